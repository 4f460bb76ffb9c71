import type { DatabaseTransaction, GalleryExport } from '../db/index.js';
import { countSkippedImages, toExportFields } from '../exports/presentExports.js';
import { recordWebhookEvent } from './recordWebhookEvent.js';
import type { EXPORT_EVENT_TYPES } from './webhookEvents.js';

/** Records an export event for its owner's webhooks, in the transaction that marks the export ready or failed. */
export async function enqueueExportEvent(
  tx: DatabaseTransaction,
  type: (typeof EXPORT_EVENT_TYPES)[number],
  row: GalleryExport,
  now = new Date(),
): Promise<void> {
  await recordWebhookEvent(tx, {
    userId: row.userId,
    type,
    data: async () => toExportFields(row, await countSkippedImages(tx, row.id), now),
    now,
  });
}
