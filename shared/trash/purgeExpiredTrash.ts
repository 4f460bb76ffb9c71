import type { Database } from '../db/index.js';
import { finishImageDeletions, type FinishedImageDeletions } from '../images/finishImageDeletions.js';
import { markExpiredTrashDeleted } from '../images/imageLifecycle.js';
import type { BlobStore } from '../storage/blobStore.js';
import { expiredTrashCutoff } from './trashRetention.js';

export interface PurgeExpiredTrashOptions {
  db: Database;
  blobs: BlobStore;
  retentionDays: number;
  /** Images purged per run at most, oldest-trashed first; the next run takes the following ones. */
  batchSize?: number;
  now?: Date;
}

/**
 * For the clean-up timer: images in the trash past TRASH_RETENTION_DAYS are deleted for good, by the
 * two-phase deletion (marked in one statement, then blobs, row and quota). A failure midway leaves them
 * marked, and `purgeDeletedImages` finishes them on a later run.
 */
export async function purgeExpiredTrash(options: PurgeExpiredTrashOptions): Promise<FinishedImageDeletions> {
  const now = options.now ?? new Date();
  const marked = await markExpiredTrashDeleted(options.db, {
    trashedBefore: expiredTrashCutoff(now, options.retentionDays),
    limit: options.batchSize ?? 500,
    now,
  });
  return finishImageDeletions({ db: options.db, blobs: options.blobs, images: marked });
}
