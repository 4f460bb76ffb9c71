import * as df from 'durable-functions';
import type { OrchestrationContext, OrchestrationHandler } from 'durable-functions';
import { getConfig } from '../shared/config.js';
import { describeStepFailure } from '../shared/processing/describeStepFailure.js';
import type { FinalizeResult } from '../shared/processing/finalizeImage.js';
import type { MakeThumbnailResult } from '../shared/processing/makeThumbnail.js';
import type { ProcessingStart } from '../shared/processing/markProcessing.js';
import type { RemoveBackgroundResult } from '../shared/processing/removeBackground.js';
import { PROCESS_IMAGE_ORCHESTRATION, type ProcessImageInput } from '../shared/processing/startProcessingOnce.js';

// Read once when the app loads, never inside the orchestrator: replays must see the same values.
const { remover } = getConfig();

/** The remover's transient failures (5xx, 408, 429, time-outs) back off exponentially. */
const removerRetry = new df.RetryOptions(remover.retryFirstIntervalMs, remover.retryAttempts);
removerRetry.backoffCoefficient = 2;
removerRetry.maxRetryIntervalInMilliseconds = 5 * 60_000;

/** Storage and database hiccups in the other steps get a few quick retries. */
const stepRetry = new df.RetryOptions(Math.min(remover.retryFirstIntervalMs, 2_000), 3);
stepRetry.backoffCoefficient = 2;

/**
 * upload accepted → markProcessing → removeBackground → makeThumbnail → finalizeImage (ready);
 * any exhausted or permanent failure → markImageFailed (the original is kept for a retry).
 * Deterministic: only `context.df` calls, no clock, no I/O.
 */
const processImage: OrchestrationHandler = function* (context: OrchestrationContext) {
  const { imageId } = context.df.getInput<ProcessImageInput>();
  const start: ProcessingStart = yield context.df.callActivity('markProcessing', imageId);
  if (!start.started) return { imageId, outcome: 'skipped', reason: start.reason };

  const step = { imageId, userId: start.userId };
  let failure: string;
  try {
    const cutout: RemoveBackgroundResult = yield context.df.callActivityWithRetry('removeBackground', removerRetry, step);
    if (!cutout.ok) {
      failure = cutout.message;
    } else {
      const thumbnail: MakeThumbnailResult = yield context.df.callActivityWithRetry('makeThumbnail', stepRetry, step);
      if (!thumbnail.ok) {
        failure = thumbnail.message;
      } else {
        const quality = cutout.quality ?? thumbnail.estimatedQuality;
        const done: FinalizeResult = yield context.df.callActivityWithRetry('finalizeImage', stepRetry, { ...step, quality });
        return { imageId, outcome: done.ready ? 'ready' : 'skipped' };
      }
    }
  } catch (error) {
    failure = describeStepFailure(error);
  }
  yield context.df.callActivity('markImageFailed', { ...step, message: failure });
  return { imageId, outcome: 'failed', reason: failure };
};

df.app.orchestration(PROCESS_IMAGE_ORCHESTRATION, processImage);
