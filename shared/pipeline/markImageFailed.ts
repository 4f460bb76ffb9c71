import type { Database } from '../db/index.js';
import { markFailed, mayDiscardOutputs, mayFail } from '../images/imageLifecycle.js';
import { outputLocations } from '../images/imageOutputs.js';
import { CONTAINERS } from '../storage/blobPaths.js';
import type { BlobStore } from '../storage/blobStore.js';
import { messageForUser, PIPELINE_STEPS, skipped, succeeded, type StepInput, type StepResult } from './pipelineContract.js';

export interface MarkImageFailedOptions extends StepInput<typeof PIPELINE_STEPS.markImageFailed> {
  db: Database;
  blobs: BlobStore;
}

/**
 * A run stopped before `ready`: its partial outputs are removed and the image becomes `failed`
 * (`processing_failed`, with a message the user can read), its original kept (and still counted) for
 * a retry. An image that is `ready` is left exactly as it is, outputs included.
 */
export async function markImageFailed(options: MarkImageFailedOptions): Promise<StepResult<typeof PIPELINE_STEPS.markImageFailed>> {
  const { db, blobs, imageId, userId } = options;
  const image = await db.userImage.findFirst({ where: { id: imageId, userId } });
  if (!mayDiscardOutputs(image)) return skipped('the image is ready');
  await Promise.all(outputLocations(userId, imageId).map((location) => blobs.delete(location)));
  if (!image || !mayFail(image)) return skipped(image && !image.deletedAt ? `the image is ${image.status}` : 'the image was deleted');

  const originalBytes = (await blobs.sizeOf({ container: CONTAINERS.originals, name: image.originalPath })) ?? 0;
  const marked = await markFailed(db, image, { message: messageForUser(options.stop), originalBytes });
  return marked ? succeeded({}) : skipped('the image changed meanwhile');
}
