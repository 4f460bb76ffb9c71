import type { Database, UserImage } from '../db/index.js';
import { findImageInProcessing, markReady } from '../images/imageLifecycle.js';
import { IMAGE_OUTPUTS, measureOutputs, type ImageOutputName } from '../images/imageOutputs.js';
import { IN_GALLERY } from '../images/imagePlaces.js';
import type { EventLog } from '../observability/eventLog.js';
import { reportQuotaCrossings } from '../quota/reportQuotaCrossings.js';
import { CONTAINERS } from '../storage/blobPaths.js';
import type { BlobStore } from '../storage/blobStore.js';
import { PIPELINE_STEPS, skipped, succeeded, type StepInput, type StepResult } from './pipelineContract.js';

export interface ReuseDuplicateOutputsOptions extends StepInput<typeof PIPELINE_STEPS.reuseDuplicateOutputs> {
  db: Database;
  blobs: BlobStore;
  log: EventLog;
  now?: Date;
}

const OUTPUT_NAMES = Object.keys(IMAGE_OUTPUTS) as ImageOutputName[];

/**
 * The step before the remover: when the owner already has a `ready` image whose original has the same
 * SHA-256 as this one's, its outputs are copied server-side (every entry of IMAGE_OUTPUTS) and this
 * image becomes `ready` with `duplicateOf` naming it, without a remover call. The copies are this
 * image's own blobs, so deleting either image never touches the other's, and the quota settles from the
 * real sizes, as for any finished image. `duplicateOf: null` when there is nothing to copy (no such
 * image, or it went while it was copied): the orchestration then makes the outputs as usual.
 *
 * Why a step of the orchestration rather than a decision of the blob check: the check stays one read
 * and one judgement of the intake, the copy gets the orchestration's retries and its clean-up on
 * failure, and the image moves through `processing` to `ready` by the same lifecycle transitions as
 * every other image (a deletion meanwhile is handled by the same guards).
 */
export async function reuseDuplicateOutputs(
  options: ReuseDuplicateOutputsOptions,
): Promise<StepResult<typeof PIPELINE_STEPS.reuseDuplicateOutputs>> {
  const { db, blobs, imageId, userId } = options;
  const found = await findImageInProcessing(db, options);
  if (!found.image) return skipped(found.reason);
  const { image } = found;
  const earlier = await findReadyDuplicate(db, image);
  if (!earlier?.quality) return succeeded({ duplicateOf: null });

  const copied = await Promise.all(
    OUTPUT_NAMES.map((name) => blobs.copy(IMAGE_OUTPUTS[name].location(userId, earlier.id), IMAGE_OUTPUTS[name].location(userId, imageId))),
  );
  // The earlier image was deleted or repaired while its outputs were copied: make them instead (the
  // remover and the thumbnail step overwrite any copy made).
  if (copied.includes(false)) return succeeded({ duplicateOf: null });

  const [originalBytes, outputBytes] = await Promise.all([
    blobs.sizeOf({ container: CONTAINERS.originals, name: image.originalPath }),
    measureOutputs(blobs, userId, imageId),
  ]);
  if (originalBytes === undefined || Object.values(outputBytes).includes(undefined)) {
    throw new Error(`Image ${imageId} is missing a blob after copying the outputs of ${earlier.id}.`);
  }
  const ready = await markReady(db, image, {
    originalBytes,
    outputBytes: outputBytes as Record<ImageOutputName, number>,
    quality: earlier.quality,
    now: options.now ?? new Date(),
    duplicateOf: earlier.id,
  });
  // Deleted or moved on since it was read: the run ends in markImageFailed, which removes the copies
  // unless the image is `ready`.
  if (!ready) return skipped('the image left processing while its outputs were copied');
  reportQuotaCrossings(options.log, ready.quotaCrossings);
  return succeeded({ duplicateOf: earlier.id });
}

/**
 * The owner's earliest other `ready` image whose original has the same SHA-256, whose outputs this
 * image may copy. Scoped to the owner: another user's images are never candidates.
 */
export async function findReadyDuplicate(db: Database, image: Pick<UserImage, 'id' | 'userId' | 'sha256'>): Promise<UserImage | null> {
  if (!image.sha256) return null;
  // Scoped to the owner: another user's images are never candidates; nor is one in the trash.
  return db.userImage.findFirst({
    where: { userId: image.userId, sha256: image.sha256, status: 'ready', quality: { not: null }, ...IN_GALLERY, id: { not: image.id } },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
  });
}
