import { expect } from 'vitest';
import type { Database } from '../../shared/db/index.js';
import { holdsImageSlot } from '../../shared/images/imageLifecycle.js';
import type { BlobStore } from '../../shared/storage/blobStore.js';
import { storedBlobBytes } from './seedImages.js';

/**
 * The quota invariants of the data model for one user, checked against the rows and against Blob
 * Storage itself: `storageUsed` is what the rows hold and what the user's blobs measure, and
 * `imageCount` is the number of rows that hold an image slot.
 */
export async function expectQuotaMatches(db: Database, blobs: BlobStore, userId: string): Promise<void> {
  const user = await db.user.findUniqueOrThrow({ where: { id: userId }, include: { quota: true } });
  const rows = await db.userImage.findMany({ where: { userId } });
  expect(Number(user.storageUsed)).toBe(rows.reduce((sum, row) => sum + Number(row.storageBytes), 0));
  expect(Number(user.storageUsed)).toBe(await storedBlobBytes(blobs, userId));
  expect(user.quota!.imageCount).toBe(rows.filter(holdsImageSlot).length);
}
