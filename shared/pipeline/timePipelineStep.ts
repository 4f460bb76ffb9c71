import type { CutoutStagesMs, PipelineStepName, StepOutcome } from './pipelineContract.js';
import type { EventLog } from '../observability/eventLog.js';
import { timeEvent } from '../observability/timeEvent.js';

/** The image (and owner, once known) a step works on. */
export interface StepSubject {
  imageId?: string;
  userId?: string;
}

/** What a step's success may add to its log line: the owner, where its time went. */
interface LoggedResultFields {
  userId?: string;
  stagesMs?: CutoutStagesMs;
}

/**
 * Runs one pipeline step and logs a `pipeline_step` event with its duration and outcome: the step's
 * own (`ok` with the owner and the step's stages if it timed any, `skipped` with its reason, `failed` with its code, message and detail), or `error` when it
 * throws (rethrown). The ids the caller knows win; a result may add the owner the caller did not know.
 */
export function timePipelineStep<Result extends StepOutcome<LoggedResultFields>>(
  log: EventLog,
  step: PipelineStepName,
  subject: StepSubject,
  run: () => Promise<Result>,
): Promise<Result> {
  return timeEvent(log, 'pipeline_step', { step, ...subject }, run, (result: StepOutcome<LoggedResultFields>) => {
    switch (result.outcome) {
      case 'ok':
        return { userId: subject.userId ?? result.userId, ...(result.stagesMs && { stagesMs: result.stagesMs }) };
      case 'skipped':
        return { outcome: 'skipped', reason: result.reason };
      case 'failed':
        return { outcome: 'failed', code: result.code, message: result.message, detail: result.detail };
    }
  });
}
