import type { DatabaseTransaction, UserImage } from '../db/index.js';
import { toImageFields } from '../images/toImageResource.js';
import type { QuotaCrossing } from '../quota/reportQuotaCrossings.js';
import { recordWebhookEvent } from './recordWebhookEvent.js';
import type { IMAGE_EVENT_TYPES } from './webhookEvents.js';

/** `image.ready` / `image.failed`: the image as the API shows it, without links (they would expire unread). */
export async function enqueueImageEvent(
  tx: DatabaseTransaction,
  type: (typeof IMAGE_EVENT_TYPES)[number],
  image: UserImage,
  now = new Date(),
): Promise<void> {
  await recordWebhookEvent(tx, { userId: image.userId, type, data: () => toImageFields(image), now });
}

/** `quota.warning`: one event per threshold a change crossed upwards (80 % and 100 % of a limit). */
export async function enqueueQuotaWarnings(tx: DatabaseTransaction, crossings: readonly QuotaCrossing[], now = new Date()): Promise<void> {
  for (const { userId, limit, percent, used, max } of crossings) {
    await recordWebhookEvent(tx, { userId, type: 'quota.warning', data: () => ({ limit, percent, used, max }), now });
  }
}
