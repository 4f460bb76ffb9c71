import { QueueClient } from '@azure/storage-queue';
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openIntegrationParts, type IntegrationParts } from '../../test/support/integrationParts.js';
import { seedUser } from '../../test/support/seedUser.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../test/support/webhookReceiver.js';
import type { DeliverySettings } from './deliverDueWebhooks.js';
import { createWebhook } from './manageWebhooks.js';
import { runWebhookDispatcher } from './runWebhookDispatcher.js';
import { sendTestEvent } from './sendTestEvent.js';
import { WebhookDispatcherQueue, wakeWebhookDispatcher, wakeWebhookDispatcherFor } from './webhookDispatcherQueue.js';

const settings: DeliverySettings = { secretKey: randomBytes(32), allowLocalReceivers: true, retryFirstIntervalMs: 30_000 };

describe('the webhook dispatcher and its wake-up queue, against PostgreSQL, Azurite and a real receiver', () => {
  let parts: IntegrationParts;
  let receiver: WebhookReceiver;
  let userNumber = 0;
  const logged: { event: string; fields: Record<string, unknown> }[] = [];
  const log = (event: string, fields: Record<string, unknown>) => logged.push({ event, fields });

  const queueClient = () => new QueueClient(inject('azuriteConnectionString'), `webhook-test-${randomUUID()}`);
  /** A dispatcher queue of its own (its name unique to the test), and what is on it, visible or not. */
  const newQueue = async () => {
    const client = queueClient();
    await client.create();
    return {
      queue: new WebhookDispatcherQueue(client),
      messages: async () => (await client.getProperties()).approximateMessagesCount,
      visible: async () => (await client.peekMessages({ numberOfMessages: 32 })).peekedMessageItems,
    };
  };
  /** One due test delivery of a new user's webhook to the receiver; the only one due. */
  const dueDelivery = async () => {
    await parts.db.webhookDelivery.updateMany({ data: { nextAttemptAt: null } });
    const userId = `wake-${++userNumber}`;
    await seedUser(parts.db, userId);
    const webhook = await createWebhook(parts.db, settings, { userId, webhook: { url: receiver.url, events: ['image.ready'] } });
    const { id } = await sendTestEvent(parts.db, userId, webhook.id);
    return () => parts.db.webhookDelivery.findUniqueOrThrow({ where: { id } });
  };

  beforeAll(async () => {
    parts = await openIntegrationParts();
    receiver = await startWebhookReceiver();
  });
  afterAll(async () => {
    await receiver?.close();
    await parts?.close();
  });

  it('a wake-up is one message, visible at once, and the queue is made where missing', async () => {
    const client = queueClient();
    await wakeWebhookDispatcher(new WebhookDispatcherQueue(client), log);
    const {
      peekedMessageItems: [message, ...more],
    } = await client.peekMessages({ numberOfMessages: 32 });
    expect(more).toEqual([]);
    expect(Buffer.from(message!.messageText, 'base64').toString('utf8')).toBe('wake up');
  });

  it('wakes the dispatcher after a change of a user with a webhook, and spends no message on a user without one', async () => {
    const { queue, messages } = await newQueue();
    await seedUser(parts.db, 'wake-nobody');
    await wakeWebhookDispatcherFor({ db: parts.db, queue, log }, 'wake-nobody');
    expect(await messages()).toBe(0);
    await seedUser(parts.db, 'wake-subscriber');
    await createWebhook(parts.db, settings, { userId: 'wake-subscriber', webhook: { url: receiver.url, events: ['image.failed'] } });
    await wakeWebhookDispatcherFor({ db: parts.db, queue, log }, 'wake-subscriber');
    expect(await messages()).toBe(1);
  });

  it('sends what is due, logs it, and wakes nothing when no retry is scheduled', async () => {
    const { queue, messages } = await newQueue();
    const row = await dueDelivery();
    logged.length = 0;
    expect(await runWebhookDispatcher({ db: parts.db, queue, settings, log })).toEqual({ sent: 1 });
    expect((await row()).deliveredAt).not.toBeNull();
    expect(logged).toEqual([{ event: 'webhook_deliveries_sent', fields: { sent: 1 } }]);

    expect(await runWebhookDispatcher({ db: parts.db, queue, settings, log })).toEqual({ sent: 0 });
    expect(logged).toHaveLength(1);
    expect(await messages()).toBe(0);
  });

  it('wakes itself, hidden until then, for a retry due before the backstop runs again', async () => {
    const { queue, messages, visible } = await newQueue();
    receiver.answerNext(503);
    const row = await dueDelivery();
    await runWebhookDispatcher({ db: parts.db, queue, settings, log });
    expect((await row()).nextAttemptAt).not.toBeNull();
    // One message, invisible for the 30-second backoff.
    expect(await messages()).toBe(1);
    expect(await visible()).toEqual([]);
  });

  it('leaves a retry a minute or more away to the backstop', async () => {
    const { queue, messages } = await newQueue();
    receiver.answerNext(503);
    const row = await dueDelivery();
    // The third attempt: its retry comes 4 × 30 s after it.
    await parts.db.webhookDelivery.updateMany({ where: { id: (await row()).id }, data: { attempts: 2 } });
    await runWebhookDispatcher({ db: parts.db, queue, settings, log });
    expect(await row()).toMatchObject({ attempts: 3, lastStatusCode: 503 });
    expect((await row()).nextAttemptAt).not.toBeNull();
    expect(await messages()).toBe(0);
  });

  it('a wake-up that cannot be sent is logged, not thrown', async () => {
    const unreachable = new WebhookDispatcherQueue(
      new QueueClient('http://127.0.0.1:9/devstoreaccount1/nowhere', undefined, { retryOptions: { maxTries: 1 } }),
    );
    logged.length = 0;
    await wakeWebhookDispatcher(unreachable, log);
    expect(logged).toEqual([{ event: 'webhook_wake_up_failed', fields: { outcome: 'failed', error: expect.any(String) } }]);
  });
});
