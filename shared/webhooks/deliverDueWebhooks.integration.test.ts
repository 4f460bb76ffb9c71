import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../test/support/freePort.js';
import { openIntegrationParts, type IntegrationParts } from '../../test/support/integrationParts.js';
import { seedUser } from '../../test/support/seedUser.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../test/support/webhookReceiver.js';
import { deliverDueWebhooks, isRetryable, retryDelayMs, RETRY_WINDOW_MS, type DeliverySettings } from './deliverDueWebhooks.js';
import { createWebhook } from './manageWebhooks.js';
import { postToReceiver } from './postToReceiver.js';
import { removeOldDeliveries } from './removeOldDeliveries.js';
import { sendTestEvent } from './sendTestEvent.js';

const settings: DeliverySettings = { secretKey: randomBytes(32), allowLocalReceivers: true, retryFirstIntervalMs: 1_000 };

describe('the webhook dispatcher, against PostgreSQL and a real receiver', () => {
  let parts: IntegrationParts;
  let receiver: WebhookReceiver;
  let userNumber = 0;

  /** A user with one webhook to `url`, and one due test delivery created at `createdAt`: the only one due. */
  const delivery = async (url: string, createdAt: Date) => {
    await parts.db.webhookDelivery.updateMany({ data: { nextAttemptAt: null } });
    const userId = `dispatch-${++userNumber}`;
    await seedUser(parts.db, userId);
    const webhook = await createWebhook(parts.db, settings, { userId, webhook: { url, events: ['image.ready'] } });
    const { id } = await sendTestEvent(parts.db, userId, webhook.id, createdAt);
    const row = () => parts.db.webhookDelivery.findUniqueOrThrow({ where: { id } });
    return { id, row };
  };

  beforeAll(async () => {
    parts = await openIntegrationParts();
    receiver = await startWebhookReceiver();
  });
  afterAll(async () => {
    await receiver?.close();
    await parts?.close();
  });

  it('sends a delivery again once the claim of a sender that died has run out (at least once)', async () => {
    const start = new Date();
    const { id, row } = await delivery(receiver.url, start);
    // A sender claimed it and died before recording anything: attempts counted, due again after the claim.
    await parts.db.webhookDelivery.update({ where: { id }, data: { attempts: 1, nextAttemptAt: new Date(start.getTime() + 60_000) } });
    expect(await deliverDueWebhooks(parts.db, settings, new Date(start.getTime() + 59_000))).toEqual({ sent: 0, retriesAt: [] });
    const before = receiver.received.length;
    expect(await deliverDueWebhooks(parts.db, settings, new Date(start.getTime() + 60_000))).toEqual({ sent: 1, retriesAt: [] });
    expect(receiver.received.length).toBe(before + 1);
    expect(JSON.parse(receiver.received.at(-1)!.body).id).toBe(id);
    expect(await row()).toMatchObject({ attempts: 2, nextAttemptAt: null, lastStatusCode: 200 });
    expect((await row()).deliveredAt).not.toBeNull();
  });

  it('backs off exponentially on 5xx, 408 and 429, and gives up on other answers', async () => {
    for (const [status, retried] of [
      [500, true],
      [503, true],
      [408, true],
      [429, true],
      [400, false],
      [404, false],
      [410, false],
      [301, false],
    ] as const) {
      receiver.answerNext(status);
      const { row } = await delivery(receiver.url, new Date());
      await deliverDueWebhooks(parts.db, settings);
      const after = await row();
      expect(after.lastStatusCode, String(status)).toBe(status);
      expect(after.deliveredAt).toBeNull();
      expect(after.nextAttemptAt !== null, String(status)).toBe(retried);
    }
  });

  it('doubles the delay after each failed attempt, up to an hour', async () => {
    expect([1, 2, 3, 4].map((attempts) => retryDelayMs(attempts, 1_000))).toEqual([1_000, 2_000, 4_000, 8_000]);
    expect(retryDelayMs(30, 30_000)).toBe(3_600_000);
    receiver.answerNext(503, 503, 503);
    const { row } = await delivery(receiver.url, new Date());
    let due = new Date();
    for (const attempts of [1, 2, 3]) {
      // Each retry is scheduled from the end of its attempt, which is after this moment.
      const before = Date.now();
      const { retriesAt } = await deliverDueWebhooks(parts.db, settings, due);
      const after = await row();
      expect(retriesAt).toEqual([after.nextAttemptAt]);
      expect(after.attempts).toBe(attempts);
      expect(after.nextAttemptAt!.getTime()).toBeGreaterThanOrEqual(before + retryDelayMs(attempts, settings.retryFirstIntervalMs));
      due = after.nextAttemptAt!;
    }
  });

  it('gives up when the next attempt would be more than 24 hours after the event', async () => {
    receiver.answerNext(503);
    const { row } = await delivery(receiver.url, new Date(Date.now() - RETRY_WINDOW_MS + 500));
    await deliverDueWebhooks(parts.db, settings);
    expect(await row()).toMatchObject({ lastStatusCode: 503, nextAttemptAt: null, deliveredAt: null });
  });

  it('retries a refused connection and a time-out', async () => {
    const { row } = await delivery(`http://127.0.0.1:${await freePort()}/nobody`, new Date());
    await deliverDueWebhooks(parts.db, settings);
    const refused = await row();
    expect(refused.lastStatusCode).toBeNull();
    expect(refused.lastError).toMatch(/ECONNREFUSED/);
    expect(refused.nextAttemptAt).not.toBeNull();

    // A receiver that accepts the request and never answers.
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/hook`;
      const answer = await postToReceiver(url, '{}', {}, settings, 200);
      expect(answer).toEqual({ error: 'no answer within 0.2 s', refused: false });
      expect(isRetryable(answer)).toBe(true);
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });

  it('drops settled deliveries 30 days after their event, never pending ones', async () => {
    const old = new Date(Date.now() - 31 * 24 * 3_600_000);
    const settled = await delivery(receiver.url, old);
    await parts.db.webhookDelivery.update({ where: { id: settled.id }, data: { nextAttemptAt: null, deliveredAt: old } });
    const pending = await delivery(receiver.url, old);
    const recent = await delivery(receiver.url, new Date());
    await parts.db.webhookDelivery.updateMany({ where: { id: { in: [pending.id, recent.id] } }, data: { nextAttemptAt: new Date() } });
    await parts.db.webhookDelivery.update({ where: { id: recent.id }, data: { nextAttemptAt: null } });
    await removeOldDeliveries({ db: parts.db });
    const left = await parts.db.webhookDelivery.findMany({
      where: { id: { in: [settled.id, pending.id, recent.id] } },
      select: { id: true },
    });
    expect(left.map(({ id }) => id).sort()).toEqual([pending.id, recent.id].sort());
  });
});
