import type { Database } from '../db/index.js';
import { exportBlob } from '../storage/blobPaths.js';
import type { BlobStore } from '../storage/blobStore.js';

export interface RemoveExpiredExportsOptions {
  db: Database;
  blobs: Pick<BlobStore, 'delete'>;
  now?: Date;
  /** Most exports one run removes; the next run takes the rest. */
  batchSize?: number;
}

/**
 * The clean-up timer's task: ready exports past their expiry lose their archive and become `expired`
 * (the row stays, so the list still shows them until `forgetEndedExports` drops it). The blob goes
 * first: a failure leaves the export ready-but-past-expiry, which the API already shows as expired, for
 * the next run.
 */
export async function removeExpiredExports(options: RemoveExpiredExportsOptions): Promise<string[]> {
  const now = options.now ?? new Date();
  const due = await options.db.galleryExport.findMany({
    where: { status: 'ready', expiresAt: { lte: now } },
    orderBy: { expiresAt: 'asc' },
    take: options.batchSize ?? 200,
    select: { id: true, userId: true },
  });
  for (const row of due) {
    await options.blobs.delete(exportBlob(row.userId, row.id));
    await options.db.galleryExport.updateMany({ where: { id: row.id, status: 'ready' }, data: { status: 'expired' } });
  }
  return due.map((row) => row.id);
}
