import type { Database, UserImage } from '../db/index.js';
import type { ImageResource } from '../images/imageSchemas.js';
import { presentImages } from '../images/presentImages.js';
import type { BlobStore } from '../storage/blobStore.js';
import { decodeGalleryCursor } from './decodeGalleryCursor.js';
import { encodeGalleryCursor } from './encodeGalleryCursor.js';
import { galleryPageSql } from './galleryPageSql.js';
import type { GalleryQuery } from './galleryQuerySchema.js';
import { galleryScopeKey, type GalleryScope } from './galleryScope.js';

export interface ListGalleryOptions {
  db: Database;
  blobs: BlobStore;
  cursorSecret: string;
  readTtlMinutes: number;
  userId: string;
  query: GalleryQuery;
}

export interface GalleryPage {
  items: ImageResource[];
  nextCursor: string | null;
}

/** `GET /api/gallery`: one page of the caller's images with fresh read links, and the next page's cursor. */
export async function listGallery(options: ListGalleryOptions): Promise<GalleryPage> {
  const { query, cursorSecret } = options;
  const { limit, cursor, sort, ...filters } = query;
  const scope: GalleryScope = { userId: options.userId, sort, filters };
  const after = cursor ? decodeGalleryCursor(cursorSecret, galleryScopeKey(scope), cursor) : undefined;

  // One row more than the page tells whether another page follows, without a count.
  const rows = await options.db.$queryRaw<UserImage[]>(galleryPageSql({ ...scope, after, limit: limit + 1 }));
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const nextCursor =
    rows.length > limit && last ? encodeGalleryCursor(cursorSecret, galleryScopeKey(scope), { at: last.createdAt, id: last.id }) : null;
  return { items: await presentImages(page, { blobs: options.blobs, readTtlMinutes: options.readTtlMinutes }), nextCursor };
}
