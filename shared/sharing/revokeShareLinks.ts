import type { Database } from '../db/index.js';
import { findOwnedImage } from '../images/findOwnedImage.js';
import { revokeImageShares } from './revokeImageShares.js';

export interface RevokeShareLinksOptions {
  db: Database;
  userId: string;
  imageId: string;
  now?: Date;
}

/** `DELETE /api/images/{id}/share`: every link of one of the caller's images stops working. */
export async function revokeShareLinks(options: RevokeShareLinksOptions): Promise<void> {
  const image = await findOwnedImage(options.db, options.userId, options.imageId);
  await revokeImageShares(options.db, [image.id], options.now ?? new Date());
}
