import type { DatabaseTransaction, UserImage } from '../db/index.js';
import { toImageFields } from '../images/toImageResource.js';
import { recordWebhookEvent } from './recordWebhookEvent.js';
import type { IMAGE_EVENT_TYPES } from './webhookEvents.js';

/** Records an image event for its owner's webhooks, in the transaction that changes the image. */
export async function enqueueImageEvent(
  tx: DatabaseTransaction,
  type: (typeof IMAGE_EVENT_TYPES)[number],
  image: UserImage,
  now = new Date(),
): Promise<void> {
  await recordWebhookEvent(tx, { userId: image.userId, type, data: () => toImageFields(image), now });
}
