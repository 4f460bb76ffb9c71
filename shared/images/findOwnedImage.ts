import type { Database, UserImage } from '../db/index.js';
import { AppError } from '../errors.js';
import { IN_GALLERY } from './imagePlaces.js';

/**
 * The caller's image by id. Another user's image is reported exactly like a missing one (404, never
 * 403), so ids cannot be probed. An image in the trash or being deleted is not in the gallery: the
 * same 404 (the trash has routes of its own, `GET /api/trash`).
 */
export async function findOwnedImage(db: Database, userId: string, imageId: string): Promise<UserImage> {
  const image = await db.userImage.findFirst({ where: { id: imageId, userId, ...IN_GALLERY } });
  if (!image) throw new AppError('not_found', `No image ${imageId} in your gallery.`);
  return image;
}
