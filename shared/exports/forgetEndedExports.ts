import type { Database } from '../db/index.js';

/** How long the export list keeps an export that ended without an archive to download. */
export const ENDED_EXPORT_RETENTION_DAYS = 30;

const ENDED = ['expired', 'failed'] as const;

export interface ForgetEndedExportsOptions {
  db: Database;
  now?: Date;
  /** Most exports one run deletes (each takes its planned entries with it, up to one per image); the next run takes the rest. */
  batchSize?: number;
}

/**
 * The clean-up timer's task after `removeExpiredExports`: an export that ended — its archive expired
 * and removed, or its run failed — more than ENDED_EXPORT_RETENTION_DAYS ago is deleted with its planned
 * entries. Those name the images the export held, deleted images included, so they must not outlive
 * the export's usefulness. Returns how many exports were deleted.
 */
export async function forgetEndedExports(options: ForgetEndedExportsOptions): Promise<number> {
  const now = options.now ?? new Date();
  const endedBefore = new Date(now.getTime() - ENDED_EXPORT_RETENTION_DAYS * 86_400_000);
  const due = { status: { in: [...ENDED] }, updatedAt: { lte: endedBefore } };
  const rows = await options.db.galleryExport.findMany({
    where: due,
    orderBy: { updatedAt: 'asc' },
    take: options.batchSize ?? 20,
    select: { id: true },
  });
  if (rows.length === 0) return 0;
  // The condition again: an export changed since it was read is left for a later run.
  const { count } = await options.db.galleryExport.deleteMany({ where: { id: { in: rows.map((row) => row.id) }, ...due } });
  return count;
}
