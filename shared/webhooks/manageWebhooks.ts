import type { Database, Webhook, WebhookDelivery } from '../db/index.js';
import { AppError } from '../errors.js';
import { checkReceiver, ReceiverRefused, type ReceiverPolicy } from './receiverAddress.js';
import type { WebhookEventType } from './webhookEvents.js';
import type { WebhookDeliveryResource, WebhookRequest, WebhookResource } from './webhookSchemas.js';
import { newWebhookSecret, sealWebhookSecret } from './webhookSecretBox.js';

/** Webhooks a user may have at once. */
const MAX_WEBHOOKS = 10;
/** What `GET /api/webhooks/{id}/deliveries` lists. */
const LISTED_DELIVERIES = 100;

export interface WebhookSettings extends ReceiverPolicy {
  /** The AES-256 key that seals signing secrets at rest. */
  secretKey: Buffer;
}

function toWebhookResource(webhook: Webhook): WebhookResource {
  return { id: webhook.id, url: webhook.url, events: webhook.events as WebhookEventType[], createdAt: webhook.createdAt.toISOString() };
}

export function toDeliveryResource(delivery: WebhookDelivery): WebhookDeliveryResource {
  return {
    id: delivery.id,
    type: delivery.type as WebhookDeliveryResource['type'],
    status: delivery.deliveredAt ? 'delivered' : delivery.nextAttemptAt ? 'pending' : 'failed',
    statusCode: delivery.lastStatusCode,
    error: delivery.lastError,
    attempts: delivery.attempts,
    nextAttemptAt: delivery.nextAttemptAt?.toISOString() ?? null,
    createdAt: delivery.createdAt.toISOString(),
  };
}

/** `POST /api/webhooks`: checks the receiver (SSRF), stores the secret sealed, returns it this once. */
export async function createWebhook(
  db: Database,
  settings: WebhookSettings,
  request: { userId: string; webhook: WebhookRequest },
): Promise<WebhookResource & { secret: string }> {
  const url = new URL(request.webhook.url);
  try {
    await checkReceiver(url, settings);
  } catch (error) {
    if (error instanceof ReceiverRefused) {
      throw new AppError('invalid_request', `The webhook URL cannot be used: ${error.message}`, {
        details: [{ field: 'url', message: error.message }],
      });
    }
    throw error;
  }
  if ((await db.webhook.count({ where: { userId: request.userId } })) >= MAX_WEBHOOKS) {
    throw new AppError('conflict', `You have ${MAX_WEBHOOKS} webhooks already; delete one first.`);
  }
  const secret = newWebhookSecret();
  const webhook = await db.webhook.create({
    data: {
      userId: request.userId,
      url: url.toString(),
      events: request.webhook.events,
      sealedSecret: sealWebhookSecret(secret, settings.secretKey),
    },
  });
  return { ...toWebhookResource(webhook), secret };
}

export async function listWebhooks(db: Database, userId: string): Promise<WebhookResource[]> {
  const webhooks = await db.webhook.findMany({ where: { userId }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
  return webhooks.map(toWebhookResource);
}

/** The caller's webhook; someone else's is reported like a missing one. */
export async function findOwnedWebhook(db: Database, userId: string, webhookId: string): Promise<Webhook> {
  const webhook = await db.webhook.findFirst({ where: { id: webhookId, userId } });
  if (!webhook) throw new AppError('not_found', `No webhook ${webhookId} among yours.`);
  return webhook;
}

/** `DELETE /api/webhooks/{id}`: the webhook and its deliveries, pending ones included, go. */
export async function deleteWebhook(db: Database, userId: string, webhookId: string): Promise<void> {
  const { count } = await db.webhook.deleteMany({ where: { id: webhookId, userId } });
  if (count === 0) throw new AppError('not_found', `No webhook ${webhookId} among yours.`);
}

/** `GET /api/webhooks/{id}/deliveries`: the last 100, newest first. */
export async function listWebhookDeliveries(db: Database, userId: string, webhookId: string): Promise<WebhookDeliveryResource[]> {
  const webhook = await findOwnedWebhook(db, userId, webhookId);
  const deliveries = await db.webhookDelivery.findMany({
    where: { webhookId: webhook.id },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: LISTED_DELIVERIES,
  });
  return deliveries.map(toDeliveryResource);
}
