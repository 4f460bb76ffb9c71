import type { EventLog } from './eventLog.js';

/**
 * Runs `run` and logs one `event` when it ends: the given fields, what `describe` says of the result
 * (`outcome` `ok` unless it says otherwise) and `durationMs`; or, when it throws, `outcome: 'error'`
 * with the error's message (and rethrows).
 */
export async function timeEvent<Result>(
  log: EventLog,
  event: string,
  fields: Record<string, unknown>,
  run: () => Promise<Result>,
  describe: (result: Result) => Record<string, unknown> = () => ({}),
): Promise<Result> {
  const started = performance.now();
  try {
    const result = await run();
    log(event, { ...fields, outcome: 'ok', ...describe(result), durationMs: Math.round(performance.now() - started) });
    return result;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log(event, { ...fields, outcome: 'error', error: message, durationMs: Math.round(performance.now() - started) });
    throw error;
  }
}
