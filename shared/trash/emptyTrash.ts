import type { Database } from '../db/index.js';
import { finishImageDeletions } from '../images/finishImageDeletions.js';
import { markTrashDeleted } from '../images/imageLifecycle.js';
import type { BlobStore } from '../storage/blobStore.js';

export interface EmptyTrashOptions {
  db: Database;
  blobs: BlobStore;
  userId: string;
  now?: Date;
}

/** Images whose deletion the emptying request finishes itself before it answers (the size of a bulk request). */
const FINISHED_BEFORE_REPLY = 100;

/**
 * `DELETE /api/trash` without ids: the whole trash is deleted for good. One UPDATE marks every image in
 * it as being deleted (they are gone from the API at once, however many); then the two-phase deletion
 * removes blobs, rows and quota: a first batch before the reply, so that an ordinary trash is gone,
 * bytes included, when the caller hears back. Returns how many images were marked, and how many of the
 * user's images are still being deleted (`leftToFinish`): the caller queues those on `image-deletions`
 * (`finishUserImageDeletions`, batch after batch, within minutes); the clean-up timer
 * (`purgeDeletedImages`) is the backstop.
 */
export async function emptyTrash(options: EmptyTrashOptions): Promise<{ deleting: number; leftToFinish: number }> {
  const { db, blobs, userId } = options;
  const deleting = await markTrashDeleted(db, { userId, now: options.now ?? new Date() });
  const firstBatch = await db.userImage.findMany({
    where: { userId, trashedAt: { not: null }, deletedAt: { not: null } },
    take: FINISHED_BEFORE_REPLY,
    select: { id: true, userId: true, originalPath: true },
  });
  await finishImageDeletions({ db, blobs, images: firstBatch });
  // Counted, not subtracted: the first batch may have finished an earlier deletion instead of one of these.
  const leftToFinish = await db.userImage.count({ where: { userId, deletedAt: { not: null } } });
  return { deleting, leftToFinish };
}
