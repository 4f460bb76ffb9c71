import { randomUUID } from 'node:crypto';
import type { Database } from '../db/index.js';
import { toDeliveryResource, findOwnedWebhook } from './manageWebhooks.js';
import { WEBHOOK_TEST_EVENT } from './webhookEvents.js';
import type { WebhookDeliveryResource, WebhookEventBody } from './webhookSchemas.js';

/** `POST /api/webhooks/{id}/test`: a `webhook.test` event for this webhook, delivered like any other. */
export async function sendTestEvent(db: Database, userId: string, webhookId: string, now = new Date()): Promise<WebhookDeliveryResource> {
  const webhook = await findOwnedWebhook(db, userId, webhookId);
  const id = randomUUID();
  const body: WebhookEventBody = { id, type: WEBHOOK_TEST_EVENT, createdAt: now.toISOString(), data: { webhookId: webhook.id } };
  const delivery = await db.webhookDelivery.create({
    data: { id, webhookId: webhook.id, type: WEBHOOK_TEST_EVENT, body: JSON.stringify(body), nextAttemptAt: now, createdAt: now },
  });
  return toDeliveryResource(delivery);
}
