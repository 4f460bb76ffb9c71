import { Prisma, USER_IMAGE_COLUMNS } from '../db/index.js';
import type { GalleryPosition } from '../gallery/encodeGalleryCursor.js';

export interface TrashPageSqlOptions {
  userId: string;
  /** Only images after this position (the previous page's last one): trashed earlier, or at the same instant with a smaller id. */
  after?: GalleryPosition;
  limit: number;
}

/**
 * One keyset page of a user's trash, newest-trashed first, as parameterised SQL: the gallery's plan
 * (`galleryPageSql`) on the `(user_id, trashed_at DESC, id DESC)` index, so any page costs the same as
 * the first. Images being deleted for good are not in the trash any more.
 */
export function trashPageSql(options: TrashPageSqlOptions): Prisma.Sql {
  const conditions = [Prisma.sql`user_id = ${options.userId}`, Prisma.sql`trashed_at IS NOT NULL`, Prisma.sql`deleted_at IS NULL`];
  if (options.after) conditions.push(Prisma.sql`(trashed_at, id) < (${options.after.at}, ${options.after.id})`);
  return Prisma.sql`SELECT ${USER_IMAGE_COLUMNS} FROM user_images WHERE ${Prisma.join(conditions, ' AND ')} ORDER BY trashed_at DESC, id DESC LIMIT ${options.limit}`;
}
