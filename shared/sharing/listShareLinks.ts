import type { Database } from '../db/index.js';
import { findOwnedImage } from '../images/findOwnedImage.js';
import { decodeShareLinkCursor, encodeShareLinkCursor } from './shareLinkCursor.js';
import { shareLinkStatus } from './shareLinkStatus.js';
import type { ShareLinkSummary } from './shareSchemas.js';

const SUMMARY_SELECT = {
  id: true,
  imageId: true,
  createdAt: true,
  expiresAt: true,
  revokedAt: true,
  viewCount: true,
  downloadCount: true,
  lastAccessedAt: true,
  passwordHash: true,
  allowDownload: true,
  maxViews: true,
  image: { select: { title: true } },
} as const;

type SummaryRow = {
  id: string;
  imageId: string;
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  viewCount: number;
  downloadCount: number;
  lastAccessedAt: Date | null;
  passwordHash: string | null;
  allowDownload: boolean;
  maxViews: number | null;
  image: { title: string };
};

function toSummary(row: SummaryRow, now: Date): ShareLinkSummary {
  return {
    id: row.id,
    imageId: row.imageId,
    imageTitle: row.image.title,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    views: row.viewCount,
    downloads: row.downloadCount,
    lastAccessedAt: row.lastAccessedAt?.toISOString() ?? null,
    hasPassword: row.passwordHash !== null,
    allowDownload: row.allowDownload,
    maxViews: row.maxViews,
    status: shareLinkStatus(row, now),
  };
}

const NEWEST_FIRST = [{ createdAt: 'desc' }, { id: 'desc' }] as const;

/** `GET /api/images/{id}/share`: every link of one of the caller's images, newest first. */
export async function listImageShareLinks(options: { db: Database; userId: string; imageId: string; now?: Date }) {
  const image = await findOwnedImage(options.db, options.userId, options.imageId);
  const rows = await options.db.shareLink.findMany({ where: { imageId: image.id }, orderBy: [...NEWEST_FIRST], select: SUMMARY_SELECT });
  const now = options.now ?? new Date();
  return { links: rows.map((row) => toSummary(row, now)), nextCursor: null };
}

export interface ListShareLinksOptions {
  db: Database;
  userId: string;
  cursorSecret: string;
  limit: number;
  cursor?: string;
  now?: Date;
}

/** `GET /api/share-links`: the caller's links over all their (not deleted) images, newest first, keyset paged. */
export async function listShareLinks(options: ListShareLinksOptions): Promise<{ links: ShareLinkSummary[]; nextCursor: string | null }> {
  const after = options.cursor === undefined ? undefined : decodeShareLinkCursor(options.cursorSecret, options.userId, options.cursor);
  const rows = await options.db.shareLink.findMany({
    where: {
      image: { userId: options.userId, deletedAt: null },
      ...(after && { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] }),
    },
    orderBy: [...NEWEST_FIRST],
    take: options.limit + 1,
    select: SUMMARY_SELECT,
  });
  const page = rows.slice(0, options.limit);
  const last = page.at(-1);
  const now = options.now ?? new Date();
  return {
    links: page.map((row) => toSummary(row, now)),
    nextCursor: rows.length > options.limit && last ? encodeShareLinkCursor(options.cursorSecret, options.userId, last) : null,
  };
}
