import type { DatabaseTransaction } from '../db/index.js';

/**
 * Every live link of these images stops working: they are revoked (`revokedAt`), not deleted, so that
 * nothing brings them back — restoring an image from the trash does not publish it again; its owner
 * makes a new link if they want one.
 */
export async function revokeImageShares(db: DatabaseTransaction, imageIds: readonly string[], now: Date): Promise<void> {
  await db.shareLink.updateMany({ where: { imageId: { in: [...imageIds] }, revokedAt: null }, data: { revokedAt: now } });
}
