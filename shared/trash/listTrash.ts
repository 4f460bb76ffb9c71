import type { Database, UserImage } from '../db/index.js';
import { decodeGalleryCursor } from '../gallery/decodeGalleryCursor.js';
import { encodeGalleryCursor } from '../gallery/encodeGalleryCursor.js';
import { presentImages } from '../images/presentImages.js';
import type { BlobStore } from '../storage/blobStore.js';
import type { TrashQuery } from './trashQuerySchema.js';
import { purgeAtOf } from './trashRetention.js';
import type { TrashedImage } from './trashSchemas.js';
import { trashPageSql } from './trashPageSql.js';
import { trashScopeKey } from './trashScope.js';

export interface ListTrashOptions {
  db: Database;
  blobs: BlobStore;
  cursorSecret: string;
  readTtlMinutes: number;
  retentionDays: number;
  userId: string;
  query: TrashQuery;
}

export interface TrashPage {
  items: TrashedImage[];
  nextCursor: string | null;
}

type TrashedRow = UserImage & { trashedAt: Date };

/** `GET /api/trash`: one page of the caller's trash, newest-trashed first, with read links and each image's purge date. */
export async function listTrash(options: ListTrashOptions): Promise<TrashPage> {
  const { cursorSecret, retentionDays } = options;
  const { limit, cursor } = options.query;
  const scopeKey = trashScopeKey(options.userId);
  const after = cursor ? decodeGalleryCursor(cursorSecret, scopeKey, cursor) : undefined;

  // One row more than the page tells whether another page follows, without a count.
  const rows = await options.db.$queryRaw<TrashedRow[]>(trashPageSql({ userId: options.userId, after, limit: limit + 1 }));
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const nextCursor = rows.length > limit && last ? encodeGalleryCursor(cursorSecret, scopeKey, { at: last.trashedAt, id: last.id }) : null;
  const images = await presentImages(page, { blobs: options.blobs, readTtlMinutes: options.readTtlMinutes });
  return {
    items: images.map((image, index) => ({
      ...image,
      trashedAt: page[index]!.trashedAt.toISOString(),
      purgeAt: purgeAtOf(page[index]!.trashedAt, retentionDays).toISOString(),
    })),
    nextCursor,
  };
}
