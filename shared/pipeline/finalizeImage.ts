import type { Database } from '../db/index.js';
import { findImageInProcessing, markReady, mayDiscardOutputs } from '../images/imageLifecycle.js';
import { measureOutputs, outputLocations, type ImageOutputName } from '../images/imageOutputs.js';
import type { EventLog } from '../observability/eventLog.js';
import { reportQuotaCrossings } from '../quota/reportQuotaCrossings.js';
import { CONTAINERS } from '../storage/blobPaths.js';
import type { BlobStore } from '../storage/blobStore.js';
import { PIPELINE_STEPS, skipped, succeeded, type StepInput, type StepResult } from './pipelineContract.js';

export interface FinalizeImageOptions extends StepInput<typeof PIPELINE_STEPS.finalizeImage> {
  db: Database;
  blobs: BlobStore;
  log: EventLog;
  now?: Date;
}

/**
 * Last step: the image becomes `ready` with its outputs, timing and quality, its bytes settled from the
 * real sizes of its blobs (the reservation was only the declared size). An image deleted while it was
 * processed leaves nothing behind: the outputs just written are removed (never those of a `ready` one).
 */
export async function finalizeImage(options: FinalizeImageOptions): Promise<StepResult<typeof PIPELINE_STEPS.finalizeImage>> {
  const { db, blobs, imageId, userId } = options;
  const found = await findImageInProcessing(db, options);
  if (!found.image) {
    if (mayDiscardOutputs(found.stored)) await Promise.all(outputLocations(userId, imageId).map((location) => blobs.delete(location)));
    return skipped(found.reason);
  }
  const { image } = found;

  const [originalBytes, outputBytes] = await Promise.all([
    blobs.sizeOf({ container: CONTAINERS.originals, name: image.originalPath }),
    measureOutputs(blobs, userId, imageId),
  ]);
  const missing = Object.entries(outputBytes).filter(([, size]) => size === undefined);
  if (originalBytes === undefined || missing.length > 0) {
    const names = [...(originalBytes === undefined ? ['original'] : []), ...missing.map(([name]) => name)];
    throw new Error(`Image ${imageId} is missing a blob at finalize: ${names.join(', ')}.`);
  }

  const ready = await markReady(db, image, {
    originalBytes,
    outputBytes: outputBytes as Record<ImageOutputName, number>,
    quality: options.quality,
    now: options.now ?? new Date(),
  });
  // The image left `processing` between the read and the update: judge it again.
  if (!ready) return finalizeImage(options);
  reportQuotaCrossings(options.log, ready.quotaCrossings);
  return succeeded({});
}
