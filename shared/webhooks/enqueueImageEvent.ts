import { randomUUID } from 'node:crypto';
import type { DatabaseTransaction, UserImage } from '../db/index.js';
import { toImageFields } from '../images/toImageResource.js';
import type { WebhookEventType } from './webhookEvents.js';
import type { WebhookEventBody } from './webhookSchemas.js';

/**
 * Records one delivery per webhook of the image's owner that subscribed to the event, in the
 * transaction that changes the image (an outbox): the event exists exactly when the change does, and
 * `deliverDueWebhooks` sends it from the table, so neither a crash nor a restart loses it.
 */
export async function enqueueImageEvent(
  tx: DatabaseTransaction,
  type: WebhookEventType,
  image: UserImage,
  now = new Date(),
): Promise<void> {
  const webhooks = await tx.webhook.findMany({ where: { userId: image.userId, events: { has: type } }, select: { id: true } });
  if (webhooks.length === 0) return;
  const data = toImageFields(image);
  await tx.webhookDelivery.createMany({
    data: webhooks.map((webhook) => {
      const id = randomUUID();
      const body: WebhookEventBody = { id, type, createdAt: now.toISOString(), data };
      return { id, webhookId: webhook.id, type, body: JSON.stringify(body), nextAttemptAt: now, createdAt: now };
    }),
  });
}
