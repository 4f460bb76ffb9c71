import { randomUUID } from 'node:crypto';
import type { DatabaseTransaction, UserImage } from '../db/index.js';
import { toImageFields } from '../images/toImageResource.js';
import type { QuotaCrossing } from '../quota/reportQuotaCrossings.js';
import type { WebhookEventType } from './webhookEvents.js';
import type { WebhookEventBody } from './webhookSchemas.js';

/**
 * Records one delivery per webhook of the user that subscribed to the event, in the transaction that
 * makes the change (an outbox): the event exists exactly when the change does, and `deliverDueWebhooks`
 * sends it from the table, so neither a crash nor a restart loses it.
 */
async function enqueueWebhookEvent(
  tx: DatabaseTransaction,
  event: { userId: string; type: WebhookEventType; data: WebhookEventBody['data']; now: Date },
): Promise<void> {
  const { userId, type, data, now } = event;
  const webhooks = await tx.webhook.findMany({ where: { userId, events: { has: type } }, select: { id: true } });
  if (webhooks.length === 0) return;
  await tx.webhookDelivery.createMany({
    data: webhooks.map((webhook) => {
      const id = randomUUID();
      const body: WebhookEventBody = { id, type, createdAt: now.toISOString(), data };
      return { id, webhookId: webhook.id, type, body: JSON.stringify(body), nextAttemptAt: now, createdAt: now };
    }),
  });
}

/** `image.ready` / `image.failed`: the image as the API shows it, without links (they would expire unread). */
export async function enqueueImageEvent(
  tx: DatabaseTransaction,
  type: Extract<WebhookEventType, `image.${string}`>,
  image: UserImage,
  now = new Date(),
): Promise<void> {
  await enqueueWebhookEvent(tx, { userId: image.userId, type, data: toImageFields(image), now });
}

/** `quota.warning`: one event per threshold a change crossed upwards (80 % and 100 % of a limit). */
export async function enqueueQuotaWarnings(tx: DatabaseTransaction, crossings: readonly QuotaCrossing[], now = new Date()): Promise<void> {
  for (const { userId, limit, percent, used, max } of crossings) {
    await enqueueWebhookEvent(tx, { userId, type: 'quota.warning', data: { limit, percent, used, max }, now });
  }
}
