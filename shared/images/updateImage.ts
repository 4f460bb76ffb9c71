import type { Database, UserImage } from '../db/index.js';
import { AppError } from '../errors.js';
import { IN_GALLERY } from './imagePlaces.js';
import type { ImageUpdate } from './imageUpdateSchema.js';

export interface UpdateImageOptions {
  db: Database;
  userId: string;
  imageId: string;
  changes: ImageUpdate;
}

/**
 * `PATCH /api/images/{id}`: title, tags, favourite and public flags of one of the caller's images.
 * Ownership is part of the one UPDATE, so another user's id changes nothing and reads as missing.
 */
export async function updateImage(options: UpdateImageOptions): Promise<UserImage> {
  const { db, userId, imageId, changes } = options;
  const [image] = await db.userImage.updateManyAndReturn({
    where: { id: imageId, userId, ...IN_GALLERY },
    data: changes,
  });
  if (!image) throw new AppError('not_found', `No image ${imageId} in your gallery.`);
  return image;
}
