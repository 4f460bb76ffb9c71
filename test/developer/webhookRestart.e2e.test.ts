import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { PRODUCT_START_TIMEOUT_MS, startProduct, type RunningProduct } from '../support/product.js';
import { apiClient } from '../support/testApp.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhookReceiver.js';

/**
 * At least once across a crash: the product (as `npm start` runs it) is killed while a delivery is in
 * flight, and the product started again on the same database sends that delivery again.
 */
describe('a webhook delivery interrupted by a crash', () => {
  let database: TestDatabase;
  let receiver: WebhookReceiver;
  const products: RunningProduct[] = [];

  const start = async () => {
    const product = await startProduct({ databaseUrl: database.url, env: { WEBHOOK_RETRY_FIRST_INTERVAL_MS: '100' } });
    products.push(product);
    return product;
  };
  const tokenFrom = async (product: RunningProduct, userId: string) => {
    const response = await fetch(`${product.baseUrl}/dev/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId }),
    });
    return ((await response.json()) as { token: string }).token;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    receiver = await startWebhookReceiver();
  });
  afterAll(async () => {
    for (const product of products) await product.stop();
    await receiver?.close();
    await database?.drop();
  }, 60_000);

  it(
    'is sent again, with the same id, by the product started after the crash',
    async () => {
      const first = await start();
      const api = apiClient(first.baseUrl);
      const token = await tokenFrom(first, 'restart-alice');
      const webhook = await api('POST', '/api/webhooks', { token, body: { url: receiver.url, events: ['image.ready'] } });
      expect(webhook.status).toBe(201);
      // The first attempt is never answered: the product dies while it waits.
      receiver.answerNext('hold');
      const test = await api('POST', `/api/webhooks/${webhook.body.id}/test`, { token });
      expect(test.status).toBe(202);
      await receiver.waitFor(1);
      await first.kill();

      const second = await start();
      const [interrupted, resent] = await receiver.waitFor(2, 180_000);
      expect(JSON.parse(resent!.body).id).toBe(test.body.id);
      expect(resent!.body).toBe(interrupted!.body);
      const secondToken = await tokenFrom(second, 'restart-alice');
      const latest = async () =>
        (await apiClient(second.baseUrl)('GET', `/api/webhooks/${webhook.body.id}/deliveries`, { token: secondToken })).body.deliveries[0];
      await expect.poll(latest).toMatchObject({ id: test.body.id, status: 'delivered', attempts: 2 });
    },
    2 * PRODUCT_START_TIMEOUT_MS + 240_000,
  );
});
