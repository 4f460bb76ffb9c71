import type { Database } from '../db/index.js';
import { AppError } from '../errors.js';
import type { BlobStore } from '../storage/blobStore.js';
import { finishImageDeletions } from './finishImageDeletions.js';
import { markDeleted } from './imageLifecycle.js';

export interface DeleteImagesOptions {
  db: Database;
  blobs: BlobStore;
  userId: string;
  imageIds: readonly string[];
  /** Only images in the trash (`DELETE /api/trash`); others are `notFound`. */
  onlyTrashed?: boolean;
  now?: Date;
}

export interface DeletedImages {
  deleted: string[];
  /** Ids that are missing or someone else's: the two are not told apart. */
  notFound: string[];
}

/**
 * Deletes some of the caller's images for good with their blobs, giving their bytes back to the quota
 * (`?permanent=true`, `DELETE /api/trash` with ids; a plain delete moves images to the trash). First
 * the rows are marked deleted (one UPDATE, scoped to the caller, which hides them at once and records
 * the intent), then blobs and rows are removed. If storage fails midway the marked images stay hidden
 * and the same request, or the clean-up timer, finishes them.
 */
export async function deleteImages(options: DeleteImagesOptions): Promise<DeletedImages> {
  const { db, blobs, userId } = options;
  const requested = [...new Set(options.imageIds)];
  const marked = await markDeleted(db, { userId, imageIds: requested, now: options.now ?? new Date(), onlyTrashed: options.onlyTrashed });

  const { pending } = await finishImageDeletions({ db, blobs, images: marked });
  if (pending.length > 0) {
    throw new AppError(
      'service_unavailable',
      'Some files could not be deleted just now. Those images are hidden; send the same request again to finish.',
      {
        details: { pending: pending.map((image) => image.id) },
        cause: pending[0]!.error,
        retryAfterSeconds: 5,
      },
    );
  }
  const markedIds = new Set(marked.map((image) => image.id));
  return { deleted: requested.filter((id) => markedIds.has(id)), notFound: requested.filter((id) => !markedIds.has(id)) };
}
