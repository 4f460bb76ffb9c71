import type { Database } from '../db/index.js';
import { PROCESSING_FAILED } from '../images/imageErrors.js';
import { CONTAINERS, processedBlob, thumbnailBlob } from '../storage/blobPaths.js';
import type { BlobStore } from '../storage/blobStore.js';

export interface MarkImageFailedOptions {
  db: Database;
  blobs: BlobStore;
  imageId: string;
  /** From the orchestration, so that partial output is removed even once the row is gone. */
  userId: string;
  message: string;
}

/**
 * Processing gave up: the image becomes `failed` (`processing_failed`), any partial output is removed,
 * and the original is kept (and still counted) so that the user can retry it.
 */
export async function markImageFailed(options: MarkImageFailedOptions): Promise<{ marked: boolean }> {
  const { db, blobs, imageId, userId } = options;
  await Promise.all([blobs.delete(processedBlob(userId, imageId)), blobs.delete(thumbnailBlob(userId, imageId))]);
  const image = await db.userImage.findFirst({ where: { id: imageId, userId, deletedAt: null } });
  if (!image || (image.status !== 'processing' && image.status !== 'queued')) return { marked: false };
  const originalBytes = BigInt((await blobs.sizeOf({ container: CONTAINERS.originals, name: image.originalPath })) ?? 0);

  const marked = await db.$transaction(async (tx) => {
    const [failed] = await tx.userImage.updateManyAndReturn({
      where: { id: imageId, status: { in: ['processing', 'queued'] }, deletedAt: null },
      data: {
        status: 'failed',
        errorCode: PROCESSING_FAILED,
        errorMessage: options.message.slice(0, 1000),
        processedPath: null,
        thumbnailPath: null,
        processedSize: null,
        thumbnailSize: null,
        storageBytes: originalBytes,
      },
    });
    if (!failed) return false;
    await tx.user.update({ where: { id: image.userId }, data: { storageUsed: { increment: originalBytes - image.storageBytes } } });
    return true;
  });
  return { marked };
}
