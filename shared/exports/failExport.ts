import type { Database } from '../db/index.js';
import { enqueueExportEvent } from '../webhooks/enqueueExportEvent.js';

/**
 * Where an export whose step kept throwing ends: marked failed with a message the user may read, and
 * its `export.failed` event recorded in the same transaction. The staged blocks were never committed,
 * so no archive exists; storage drops uncommitted blocks by itself.
 */
export async function failExport(options: { db: Database; exportId: string; message: string; now?: Date }): Promise<void> {
  const now = options.now ?? new Date();
  await options.db.$transaction(async (tx) => {
    const { count } = await tx.galleryExport.updateMany({
      where: { id: options.exportId, status: { in: ['queued', 'running'] } },
      data: { status: 'failed', errorMessage: options.message },
    });
    if (count === 0) return;
    await enqueueExportEvent(tx, 'export.failed', await tx.galleryExport.findUniqueOrThrow({ where: { id: options.exportId } }), now);
  });
}
