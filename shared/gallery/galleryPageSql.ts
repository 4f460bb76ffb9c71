import { Prisma, USER_IMAGE_COLUMNS } from '../db/index.js';
import type { GalleryPosition } from './encodeGalleryCursor.js';
import type { GalleryScope } from './galleryScope.js';

export interface GalleryPageSqlOptions extends GalleryScope {
  /** Only images after this position in the sort order (the previous page's last one). */
  after?: GalleryPosition;
  limit: number;
}

/**
 * One keyset page of a user's gallery as parameterised SQL. The position is a row comparison on
 * `(created_at, id)`, which PostgreSQL turns into a start key of the `(user_id, created_at, id)` index
 * scan: any page costs the same as the first, with no OFFSET and no sort of the whole gallery. Prisma's
 * own `cursor` is not used because it does not produce that plan.
 */
export function galleryPageSql(options: GalleryPageSqlOptions): Prisma.Sql {
  const { filters, after } = options;
  const newestFirst = options.sort === 'newest';
  // In the gallery: neither trashed nor being deleted (imagePlaces.ts).
  const conditions = [Prisma.sql`user_id = ${options.userId}`, Prisma.sql`deleted_at IS NULL`, Prisma.sql`trashed_at IS NULL`];
  if (filters.favorite !== undefined) conditions.push(Prisma.sql`is_favorite = ${filters.favorite}`);
  if (filters.status) conditions.push(Prisma.sql`status = ${filters.status}::image_status`);
  if (filters.tags) conditions.push(Prisma.sql`tags @> ${filters.tags}::text[]`);
  if (filters.from) conditions.push(Prisma.sql`created_at >= ${filters.from}`);
  if (filters.to) conditions.push(Prisma.sql`created_at < ${filters.to}`);
  if (filters.q) {
    const pattern = `%${filters.q.replace(/[\\%_]/g, '\\$&')}%`;
    conditions.push(Prisma.sql`(title ILIKE ${pattern} OR original_name ILIKE ${pattern})`);
  }
  if (after) {
    conditions.push(
      newestFirst ? Prisma.sql`(created_at, id) < (${after.at}, ${after.id})` : Prisma.sql`(created_at, id) > (${after.at}, ${after.id})`,
    );
  }
  const order = newestFirst ? Prisma.sql`created_at DESC, id DESC` : Prisma.sql`created_at ASC, id ASC`;
  return Prisma.sql`SELECT ${USER_IMAGE_COLUMNS} FROM user_images WHERE ${Prisma.join(conditions, ' AND ')} ORDER BY ${order} LIMIT ${options.limit}`;
}
