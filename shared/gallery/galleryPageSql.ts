import { Prisma } from '../db/index.js';
import type { GalleryPosition } from './encodeGalleryCursor.js';
import type { GalleryScope } from './galleryScope.js';

export interface GalleryPageSqlOptions extends GalleryScope {
  /** Only images after this position in the sort order (the previous page's last one). */
  after?: GalleryPosition;
  limit: number;
}

/**
 * One keyset page of a user's gallery as parameterised SQL. The position is a row comparison on
 * `("createdAt", "id")`, which PostgreSQL turns into a start key of the `(userId, createdAt, id)` index
 * scan: any page costs the same as the first, with no OFFSET and no sort of the whole gallery. Prisma's
 * own `cursor` is not used because it does not produce that plan.
 */
export function galleryPageSql(options: GalleryPageSqlOptions): Prisma.Sql {
  const { filters, after } = options;
  const newestFirst = options.sort === 'newest';
  const conditions = [Prisma.sql`"userId" = ${options.userId}`, Prisma.sql`"deletedAt" IS NULL`];
  if (filters.favorite !== undefined) conditions.push(Prisma.sql`"isFavorite" = ${filters.favorite}`);
  if (filters.status) conditions.push(Prisma.sql`"status" = ${filters.status}::"ImageStatus"`);
  if (filters.tags) conditions.push(Prisma.sql`"tags" @> ${filters.tags}::text[]`);
  if (filters.from) conditions.push(Prisma.sql`"createdAt" >= ${filters.from}`);
  if (filters.to) conditions.push(Prisma.sql`"createdAt" < ${filters.to}`);
  if (filters.q) {
    const pattern = `%${filters.q.replace(/[\\%_]/g, '\\$&')}%`;
    conditions.push(Prisma.sql`("title" ILIKE ${pattern} OR "originalName" ILIKE ${pattern})`);
  }
  if (after) {
    conditions.push(
      newestFirst
        ? Prisma.sql`("createdAt", "id") < (${after.createdAt}, ${after.id})`
        : Prisma.sql`("createdAt", "id") > (${after.createdAt}, ${after.id})`,
    );
  }
  const order = newestFirst ? Prisma.sql`"createdAt" DESC, "id" DESC` : Prisma.sql`"createdAt" ASC, "id" ASC`;
  return Prisma.sql`SELECT * FROM "UserImage" WHERE ${Prisma.join(conditions, ' AND ')} ORDER BY ${order} LIMIT ${options.limit}`;
}
