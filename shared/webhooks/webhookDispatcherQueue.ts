import { QueueClient } from '@azure/storage-queue';
import type { StorageSettings } from '../config.js';
import type { Database } from '../db/index.js';
import type { EventLog } from '../observability/eventLog.js';
import { WEBHOOK_DELIVERY_QUEUE } from '../storage/blobPaths.js';
import { storageCredential } from '../storage/storageCredential.js';

/**
 * The wake-ups of the webhook dispatcher (`functions/deliverWebhooks.ts`), messages on
 * WEBHOOK_DELIVERY_QUEUE. A message names nothing: the run it starts sends every delivery of the outbox
 * that is due (`deliverDueWebhooks`), so wake-ups that arrive together cost an empty claim each, never a
 * second POST. Sent through the SDK rather than an output binding because activities may not have
 * bindings and a delayed wake-up needs the message's initial visibility timeout, which bindings lack.
 */
export class WebhookDispatcherQueue {
  private queueReady: Promise<void> | undefined;

  constructor(private readonly queue: QueueClient) {}

  static fromSettings(settings: StorageSettings): WebhookDispatcherQueue {
    if (settings.connectionString) {
      return new WebhookDispatcherQueue(new QueueClient(settings.connectionString, WEBHOOK_DELIVERY_QUEUE));
    }
    if (!settings.queueServiceUrl) throw new Error('DataStorage__queueServiceUri is not set.');
    const url = `${settings.queueServiceUrl.replace(/\/$/, '')}/${WEBHOOK_DELIVERY_QUEUE}`;
    return new WebhookDispatcherQueue(new QueueClient(url, storageCredential(settings)));
  }

  /** One wake-up, seen by the dispatcher after `afterMs` (rounded up to the seconds the queue counts in). */
  async wake(afterMs = 0): Promise<void> {
    // Created where missing (a fresh Azurite), once per instance, as the host's output bindings do.
    this.queueReady ??= this.queue.createIfNotExists().then(
      () => undefined,
      (error: unknown) => {
        this.queueReady = undefined;
        throw error;
      },
    );
    await this.queueReady;
    await this.queue.sendMessage(WAKE_UP, { visibilityTimeout: Math.ceil(Math.max(0, afterMs) / 1000) });
  }
}

/** Base64, the `messageEncoding` host.json gives queue triggers. */
const WAKE_UP = Buffer.from('wake up', 'utf8').toString('base64');

/**
 * Wakes the dispatcher after a commit that may have recorded deliveries (the outbox of
 * `enqueueWebhookEvent.ts`), so that they go out now. A wake-up that fails is logged and the caller's
 * work stands: the dispatcher's backstop run sends the deliveries within a minute.
 */
export async function wakeWebhookDispatcher(queue: WebhookDispatcherQueue, log: EventLog, afterMs = 0): Promise<void> {
  try {
    await queue.wake(afterMs);
  } catch (error) {
    log('webhook_wake_up_failed', { outcome: 'failed', error: error instanceof Error ? error.message : String(error) });
  }
}

/**
 * The wake-up after a commit that may have recorded deliveries for `userId`'s webhooks, sent only when
 * that user has a webhook. Deliveries are recorded for the user's own webhooks alone, so a user without
 * one has nothing to send, and most users have none: no queue message and no dispatcher run for them.
 * A webhook made after the commit cannot have had anything recorded by it.
 */
export async function wakeWebhookDispatcherFor(
  services: { db: Database; queue: WebhookDispatcherQueue; log: EventLog },
  userId: string,
): Promise<void> {
  if ((await services.db.webhook.count({ where: { userId }, take: 1 })) === 0) return;
  await wakeWebhookDispatcher(services.queue, services.log);
}
