import type { DatabaseTransaction, UserImage } from '../db/index.js';
import { UPLOAD_REJECTION_CODES } from '../images/imageErrors.js';

/**
 * An image holds one unit of the image limit from its upload request until it is deleted, except an
 * upload whose bytes were rejected: that reservation was already given back when it failed.
 */
export function countsTowardImageLimit(image: Pick<UserImage, 'status' | 'errorCode'>): boolean {
  return !(image.status === 'failed' && (UPLOAD_REJECTION_CODES as readonly (string | null)[]).includes(image.errorCode));
}

/** Gives back everything an image holds of its owner's quota; run in the transaction that deletes it. */
export async function releaseImageQuota(
  tx: DatabaseTransaction,
  image: Pick<UserImage, 'userId' | 'storageBytes' | 'status' | 'errorCode'>,
): Promise<void> {
  if (image.storageBytes !== 0n) {
    await tx.user.update({ where: { id: image.userId }, data: { storageUsed: { decrement: image.storageBytes } } });
  }
  if (countsTowardImageLimit(image)) {
    await tx.storageQuota.update({ where: { userId: image.userId }, data: { imageCount: { decrement: 1 } } });
  }
}
