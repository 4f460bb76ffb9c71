import type { Database } from '../db/index.js';
import type { EventLog } from '../observability/eventLog.js';
import { reportQuotaCrossings } from '../quota/reportQuotaCrossings.js';
import { CONTAINERS, processedBlob, thumbnailBlob } from '../storage/blobPaths.js';
import type { BlobStore } from '../storage/blobStore.js';
import type { CutoutQuality } from './requestCutout.js';

export interface FinalizeImageOptions {
  db: Database;
  blobs: BlobStore;
  log: EventLog;
  imageId: string;
  /** From the orchestration, so that outputs can be removed even once the row is gone. */
  userId: string;
  quality: CutoutQuality;
  now?: Date;
}

/** Activity results travel as JSON through the orchestration history: no rows, no BigInts. */
export type FinalizeResult = { ready: true; userId: string } | { ready: false; reason: string };

/**
 * Last step: the row becomes `ready` with its paths, timing and quality, and the user's storage is set
 * from the real sizes of the three stored blobs (the reservation was only the declared size). An image
 * deleted while it was processed leaves nothing behind: the blobs just written are removed.
 */
export async function finalizeImage(options: FinalizeImageOptions): Promise<FinalizeResult> {
  const { db, blobs, imageId, userId } = options;
  const now = options.now ?? new Date();
  const current = await db.userImage.findFirst({ where: { id: imageId, userId } });
  const outputs = [processedBlob(userId, imageId), thumbnailBlob(userId, imageId)];
  if (!current || current.deletedAt || current.status !== 'processing') {
    if (current?.status !== 'ready') await Promise.all(outputs.map((location) => blobs.delete(location)));
    return { ready: false, reason: !current || current.deletedAt ? 'the image was deleted' : `the image is ${current.status}` };
  }

  const [originalSize, processedSize, thumbnailSize] = await Promise.all([
    blobs.sizeOf({ container: CONTAINERS.originals, name: current.originalPath }),
    blobs.sizeOf(outputs[0]!),
    blobs.sizeOf(outputs[1]!),
  ]);
  if (originalSize === undefined || processedSize === undefined || thumbnailSize === undefined) {
    throw new Error(
      `Image ${imageId} is missing a blob at finalize (original ${originalSize}, processed ${processedSize}, thumbnail ${thumbnailSize}).`,
    );
  }
  const storedBytes = BigInt(originalSize + processedSize + thumbnailSize);

  const result = await db.$transaction(async (tx) => {
    const [image] = await tx.userImage.updateManyAndReturn({
      where: { id: imageId, status: 'processing', deletedAt: null },
      data: {
        status: 'ready',
        processedPath: outputs[0]!.name,
        thumbnailPath: outputs[1]!.name,
        processedSize: BigInt(processedSize),
        thumbnailSize: BigInt(thumbnailSize),
        storageBytes: storedBytes,
        quality: options.quality,
        processedAt: now,
        processingTime: current.processingStartedAt ? Math.max(0, now.getTime() - current.processingStartedAt.getTime()) : null,
      },
    });
    if (!image) return undefined;
    const user = await tx.user.update({
      where: { id: image.userId },
      data: { storageUsed: { increment: storedBytes - current.storageBytes } },
      select: { storageUsed: true, quota: { select: { storageLimit: true } } },
    });
    return { image, storageUsed: user.storageUsed, storageLimit: user.quota?.storageLimit };
  });
  if (!result) return finalizeImage(options);

  if (result.storageLimit !== undefined) {
    reportQuotaCrossings(options.log, {
      userId: result.image.userId,
      limit: 'storage',
      before: Number(result.storageUsed - (storedBytes - current.storageBytes)),
      after: Number(result.storageUsed),
      max: Number(result.storageLimit),
    });
  }
  return { ready: true, userId: result.image.userId };
}
