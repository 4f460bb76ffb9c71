import type { Database } from '../db/index.js';
import { moveToTrash } from '../images/imageLifecycle.js';

export interface TrashImagesOptions {
  db: Database;
  userId: string;
  imageIds: readonly string[];
  now?: Date;
}

export interface TrashedImages {
  /** Ids moved to the trash (the API's `deleted`: they left the gallery). */
  deleted: string[];
  /** Ids that are not in the caller's gallery: missing, someone else's, already in the trash. */
  notFound: string[];
}

/**
 * `DELETE /api/images/{id}` and `DELETE /api/gallery`: the caller's images leave the gallery for the
 * trash, their share links revoked; their blobs stay, and so do their bytes and image slots in the quota.
 */
export async function trashImages(options: TrashImagesOptions): Promise<TrashedImages> {
  const requested = [...new Set(options.imageIds)];
  const trashed = new Set(await moveToTrash(options.db, { userId: options.userId, imageIds: requested, now: options.now ?? new Date() }));
  return { deleted: requested.filter((id) => trashed.has(id)), notFound: requested.filter((id) => !trashed.has(id)) };
}
