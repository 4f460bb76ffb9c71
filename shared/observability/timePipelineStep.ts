import type { EventLog } from './eventLog.js';

export interface PipelineStep {
  step: string;
  imageId?: string;
  userId?: string;
}

/**
 * Runs one pipeline step and logs a `pipeline_step` event with its duration and outcome: `ok`, the
 * step's own outcome when it returns one (an expected miss such as `ignored`), or `error` (rethrown).
 * The ids the caller knows win; a result may add the user id the caller did not know yet.
 */
export async function timePipelineStep<Result>(log: EventLog, step: PipelineStep, run: () => Promise<Result>): Promise<Result> {
  const started = performance.now();
  try {
    const result = await run();
    log('pipeline_step', { ...describeOutcome(result), ...step, durationMs: Math.round(performance.now() - started) });
    return result;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log('pipeline_step', { ...step, outcome: 'error', error: message, durationMs: Math.round(performance.now() - started) });
    throw error;
  }
}

function describeOutcome(result: unknown): { outcome: string; userId?: string; detail?: string } {
  if (typeof result !== 'object' || result === null) return { outcome: 'ok' };
  const fields = result as Record<string, unknown>;
  const userId = typeof fields.userId === 'string' ? fields.userId : undefined;
  if (typeof fields.outcome === 'string')
    return { outcome: fields.outcome, userId, detail: stringOrUndefined(fields.reason ?? fields.message) };
  for (const flag of ['ok', 'started', 'ready', 'marked'] as const) {
    if (typeof fields[flag] === 'boolean') {
      return { outcome: fields[flag] ? 'ok' : 'miss', userId, detail: stringOrUndefined(fields.reason ?? fields.message) };
    }
  }
  return { outcome: 'ok', userId };
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
