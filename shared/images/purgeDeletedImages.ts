import type { Database } from '../db/index.js';
import type { BlobStore } from '../storage/blobStore.js';
import { finishImageDeletions, type FinishedImageDeletions } from './finishImageDeletions.js';

export interface PurgeDeletedImagesOptions {
  db: Database;
  blobs: BlobStore;
  /** Deletions marked more recently than this are still being finished by their own request. */
  graceMinutes?: number;
  batchSize?: number;
  now?: Date;
}

/** For the clean-up timer: finishes deletions that a failure left half done (blobs, row, quota). */
export async function purgeDeletedImages(options: PurgeDeletedImagesOptions): Promise<FinishedImageDeletions> {
  const now = options.now ?? new Date();
  const cutoff = new Date(now.getTime() - (options.graceMinutes ?? 5) * 60_000);
  const images = await options.db.userImage.findMany({
    where: { deletedAt: { lt: cutoff } },
    orderBy: { deletedAt: 'asc' },
    take: options.batchSize ?? 500,
    select: { id: true, userId: true, originalPath: true },
  });
  return finishImageDeletions({ db: options.db, blobs: options.blobs, images });
}
