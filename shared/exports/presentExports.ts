import type { Database, DatabaseTransaction, GalleryExport } from '../db/index.js';
import { exportBlob } from '../storage/blobPaths.js';
import type { BlobStore } from '../storage/blobStore.js';
import type { ExportResource, SkipReason } from './exportSchemas.js';

/** The skipped images a response lists; `skippedCount` tells how many there are in all. */
const MAX_LISTED_SKIPS = 1000;

export interface PresentExportsOptions {
  db: Database;
  blobs: Pick<BlobStore, 'createReadUrl'>;
  readTtlMinutes: number;
  now?: Date;
}

/** The status a caller sees: a ready export past its expiry is `expired` even before the timer removed it. */
function visibleStatus(row: GalleryExport, now: Date): GalleryExport['status'] {
  return row.status === 'ready' && row.expiresAt && row.expiresAt <= now ? 'expired' : row.status;
}

/** The Export resource without its link and skipped list (what a webhook delivery carries). */
export function toExportFields(
  row: GalleryExport,
  skippedCount: number,
  now: Date,
): Omit<ExportResource, 'url' | 'urlExpiresAt' | 'skipped'> {
  const status = visibleStatus(row, now);
  return {
    id: row.id,
    status,
    variant: row.variant as ExportResource['variant'],
    progress: { done: row.done, total: row.total, bytes: Number(row.bytes) },
    expiresAt: status === 'ready' ? row.expiresAt!.toISOString() : null,
    skippedCount,
    error: row.status === 'failed' ? row.errorMessage : null,
    createdAt: row.createdAt.toISOString(),
  };
}

/** How many distinct images of the export were skipped. */
export async function countSkippedImages(db: Database | DatabaseTransaction, exportId: string): Promise<number> {
  const [row] = await db.$queryRaw<[{ count: bigint }]>`
    SELECT count(DISTINCT image_id) AS count FROM gallery_export_items WHERE export_id = ${exportId} AND skip_reason IS NOT NULL`;
  return Number(row.count);
}

/** Export resources, with a download link (attachment, never past the expiry) for those ready. */
export async function presentExports(options: PresentExportsOptions, rows: readonly GalleryExport[]): Promise<ExportResource[]> {
  const now = options.now ?? new Date();
  return Promise.all(
    rows.map(async (row) => {
      const fields = toExportFields(row, await countSkippedImages(options.db, row.id), now);
      const link =
        fields.status === 'ready'
          ? await options.blobs.createReadUrl(
              exportBlob(row.userId, row.id),
              {
                ttlMinutes: options.readTtlMinutes,
                notAfter: row.expiresAt!,
                attachmentFileName: `detour-export-${row.createdAt.toISOString().slice(0, 10)}.zip`,
              },
              now,
            )
          : undefined;
      return {
        ...fields,
        url: link?.url ?? null,
        urlExpiresAt: link?.expiresAt.toISOString() ?? null,
        skipped: await listSkipped(options.db, row.id),
      };
    }),
  );
}

async function listSkipped(db: Database, exportId: string): Promise<ExportResource['skipped']> {
  const items = await db.galleryExportItem.findMany({
    where: { exportId, skipReason: { not: null } },
    orderBy: { position: 'asc' },
    select: { imageId: true, skipReason: true },
    take: 2 * MAX_LISTED_SKIPS,
  });
  const byImage = new Map<string, SkipReason>();
  for (const item of items) if (!byImage.has(item.imageId)) byImage.set(item.imageId, item.skipReason as SkipReason);
  return [...byImage].slice(0, MAX_LISTED_SKIPS).map(([id, reason]) => ({ id, reason }));
}
