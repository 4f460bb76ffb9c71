import { randomUUID } from 'node:crypto';
import type { Database } from '../db/index.js';
import { AppError } from '../errors.js';
import { toDeliveryResource, findOwnedWebhook } from './manageWebhooks.js';
import { WEBHOOK_TEST_EVENT } from './webhookEvents.js';
import type { WebhookDeliveryResource, WebhookEventBody } from './webhookSchemas.js';

/**
 * `POST /api/webhooks/{id}/test`: a `webhook.test` event for this webhook, delivered like any other.
 * One at a time: while a test is still pending (a receiver that is down keeps it pending for a day),
 * another is a `conflict`, so that the route cannot queue deliveries without end.
 */
export async function sendTestEvent(db: Database, userId: string, webhookId: string, now = new Date()): Promise<WebhookDeliveryResource> {
  const webhook = await findOwnedWebhook(db, userId, webhookId);
  const pending = await db.webhookDelivery.count({
    where: { webhookId: webhook.id, type: WEBHOOK_TEST_EVENT, nextAttemptAt: { not: null } },
  });
  if (pending > 0) throw new AppError('conflict', 'A test event of this webhook is still being delivered; see its deliveries.');
  const id = randomUUID();
  const body: WebhookEventBody = { id, type: WEBHOOK_TEST_EVENT, createdAt: now.toISOString(), data: { webhookId: webhook.id } };
  const delivery = await db.webhookDelivery.create({
    data: { id, webhookId: webhook.id, type: WEBHOOK_TEST_EVENT, body: JSON.stringify(body), nextAttemptAt: now, createdAt: now },
  });
  return toDeliveryResource(delivery);
}
