import type { Database } from '../db/index.js';
import { startProcessing } from '../images/imageLifecycle.js';
import { findReadyDuplicate } from './reuseDuplicateOutputs.js';
import { PIPELINE_STEPS, skipped, succeeded, type StepInput, type StepResult } from './pipelineContract.js';

export interface MarkProcessingOptions extends StepInput<typeof PIPELINE_STEPS.markProcessing> {
  db: Database;
  now?: Date;
}

/**
 * First step of the orchestration: the image becomes `processing`, and the run learns its owner and
 * whether the owner has a `ready` image of the same bytes (`duplicateCandidate`): only then is
 * reuseDuplicateOutputs worth an activity, and most images skip it. An image deleted or moved on
 * meanwhile is an expected miss, reported rather than thrown.
 */
export async function markProcessing(options: MarkProcessingOptions): Promise<StepResult<typeof PIPELINE_STEPS.markProcessing>> {
  const image = await startProcessing(options.db, options.imageId, options.now ?? new Date());
  if (!image) return skipped('the image is gone or not queued');
  return succeeded({ userId: image.userId, duplicateCandidate: (await findReadyDuplicate(options.db, image)) !== null });
}
