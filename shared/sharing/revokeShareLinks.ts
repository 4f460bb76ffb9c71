import type { Database } from '../db/index.js';
import { findOwnedImage } from '../images/findOwnedImage.js';
import { sharedLinkNotFound } from './findSharedLink.js';
import { revokeImageShares } from './revokeImageShares.js';

/**
 * Revocations: the row is marked, and every public route reads it on each request, so the page, its
 * data and its file URLs stop at once. Revoking a revoked link again changes nothing (its date stays).
 */

/** `DELETE /api/images/{id}/share`: every link of one of the caller's images stops working. */
export async function revokeShareLinks(options: { db: Database; userId: string; imageId: string; now?: Date }): Promise<void> {
  const image = await findOwnedImage(options.db, options.userId, options.imageId);
  await revokeImageShares(options.db, [image.id], options.now ?? new Date());
}

/** `DELETE /api/share-links/{id}`: one of the caller's links; anyone else's (or none) is a 404. */
export async function revokeShareLink(options: { db: Database; userId: string; linkId: string; now?: Date }): Promise<void> {
  const link = await options.db.shareLink.findFirst({
    where: { id: options.linkId, image: { userId: options.userId, deletedAt: null } },
    select: { id: true },
  });
  if (!link) throw sharedLinkNotFound();
  await options.db.shareLink.updateMany({ where: { id: link.id, revokedAt: null }, data: { revokedAt: options.now ?? new Date() } });
}

/** `DELETE /api/share-links`: every link of every image of the caller; returns how many were live. */
export async function revokeAllShareLinks(options: { db: Database; userId: string; now?: Date }): Promise<{ revoked: number }> {
  const { count } = await options.db.shareLink.updateMany({
    where: { image: { userId: options.userId }, revokedAt: null },
    data: { revokedAt: options.now ?? new Date() },
  });
  return { revoked: count };
}
