import type { Database } from '../db/index.js';
import { removeAbandonedUpload } from '../images/imageLifecycle.js';
import { intakeBlob } from '../storage/blobPaths.js';
import type { BlobStore } from '../storage/blobStore.js';

export interface RemoveStalePendingUploadsOptions {
  db: Database;
  blobs: BlobStore;
  /** Rows whose upload link expired more than this long ago are abandoned. */
  graceHours: number;
  batchSize?: number;
  now?: Date;
}

/**
 * The clean-up timer's rule: uploads requested but never completed (their link expired long ago) are
 * removed with any blob that may have arrived, and their reservation goes back to the quota. Old
 * rate-limit windows are dropped too.
 */
export async function removeStalePendingUploads(options: RemoveStalePendingUploadsOptions): Promise<{ removed: number }> {
  const { db, blobs } = options;
  const now = options.now ?? new Date();
  const cutoff = new Date(now.getTime() - options.graceHours * 3_600_000);
  const stale = await db.userImage.findMany({
    where: { status: 'pending_upload', uploadExpiresAt: { lt: cutoff } },
    orderBy: { uploadExpiresAt: 'asc' },
    take: options.batchSize ?? 500,
  });
  let removed = 0;
  for (const image of stale) {
    await blobs.delete(intakeBlob(image.userId, image.id));
    // Only if it is still pending: a blob that arrived meanwhile is being checked, not abandoned.
    if (await removeAbandonedUpload(db, image)) removed += 1;
  }
  await db.uploadRateWindow.deleteMany({ where: { windowStart: { lt: new Date(now.getTime() - 3_600_000) } } });
  return { removed };
}
