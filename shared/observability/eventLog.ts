import type { InvocationContext } from '@azure/functions';

/**
 * Structured events, one JSON line each, as Application Insights stores them in `traces` (the alert
 * rules in infra/ parse `message` as JSON): `pipeline_step` per pipeline step, `export_step` per step of a
 * gallery export, `clean_up_task` per task
 * of the clean-up timer, `quota_warning` when a user crosses 80 % or 100 % of a limit and `quota_reached`
 * at 100 %, `reconciliation_repair` per repair of the reconciliation timer and `quota_drift` when it found
 * a user's counters wrong. Never put tokens, SAS links or secrets in the fields.
 */
export type EventLog = (event: string, fields: Record<string, unknown>) => void;

export function eventLogFor(context: Pick<InvocationContext, 'log' | 'warn'>): EventLog {
  return (event, fields) => {
    const line = JSON.stringify({ event, ...fields }, (_key, value: unknown) => (typeof value === 'bigint' ? Number(value) : value));
    if (fields.outcome === 'failed' || fields.outcome === 'error') context.warn(line);
    else context.log(line);
  };
}
