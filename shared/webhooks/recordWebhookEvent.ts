import { randomUUID } from 'node:crypto';
import type { DatabaseTransaction } from '../db/index.js';
import type { WebhookEventType } from './webhookEvents.js';
import type { WebhookEventBody } from './webhookSchemas.js';

export interface WebhookEvent {
  userId: string;
  type: WebhookEventType;
  /** The body's `data`; only made when some webhook subscribed. */
  data: () => WebhookEventBody['data'] | Promise<WebhookEventBody['data']>;
  now: Date;
}

/**
 * Records one delivery per webhook of the user that subscribed to the event, in the transaction that
 * makes the change (an outbox): the event exists exactly when the change does, and
 * `deliverDueWebhooks` sends it from the table, so neither a crash nor a restart loses it.
 */
export async function recordWebhookEvent(tx: DatabaseTransaction, event: WebhookEvent): Promise<void> {
  const webhooks = await tx.webhook.findMany({ where: { userId: event.userId, events: { has: event.type } }, select: { id: true } });
  if (webhooks.length === 0) return;
  const data = await event.data();
  const { now, type } = event;
  await tx.webhookDelivery.createMany({
    data: webhooks.map((webhook) => {
      const id = randomUUID();
      const body: WebhookEventBody = { id, type, createdAt: now.toISOString(), data };
      return { id, webhookId: webhook.id, type, body: JSON.stringify(body), nextAttemptAt: now, createdAt: now };
    }),
  });
}
