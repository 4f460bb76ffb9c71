import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discOnPlainBackground } from '../support/sampleImages.js';
import { startTestApp, type TestApp } from '../support/testApp.js';
import { uploadThroughApi, waitForSettledImage } from '../support/uploadThroughApi.js';
import { startWebhookReceiver, type ReceivedDelivery, type WebhookReceiver } from '../support/webhookReceiver.js';

/** What docs/webhooks.md tells receivers to do with `Detour-Signature`. */
function verifiedBody(delivery: ReceivedDelivery, secret: string): { id: string; type: string; data: Record<string, unknown> } {
  const header = String(delivery.headers['detour-signature']);
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  if (!match) throw new Error(`Not a Detour-Signature: ${header}`);
  const expected = createHmac('sha256', secret).update(`${match[1]}.${delivery.body}`).digest('hex');
  expect(match[2]).toBe(expected);
  return JSON.parse(delivery.body);
}

describe('webhooks, through the HTTP API and a real receiver on 127.0.0.1', () => {
  let app: TestApp;
  let alice: string;
  const receivers: WebhookReceiver[] = [];

  const newReceiver = async () => {
    const receiver = await startWebhookReceiver();
    receivers.push(receiver);
    return receiver;
  };
  const createWebhook = async (token: string, url: string, events: string[] = ['image.ready', 'image.failed']) => {
    const response = await app.api('POST', '/api/webhooks', { token, body: { url, events } });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return response.body as { id: string; secret: string };
  };
  const deliveriesOf = async (webhookId: string) => {
    const response = await app.api('GET', `/api/webhooks/${webhookId}/deliveries`, { token: alice });
    expect(response.status).toBe(200);
    return response.body.deliveries as {
      id: string;
      status: string;
      attempts: number;
      statusCode: number | null;
      nextAttemptAt: string | null;
    }[];
  };

  beforeAll(async () => {
    app = await startTestApp({ env: { WEBHOOK_RETRY_FIRST_INTERVAL_MS: '100' } });
    alice = await app.tokenFor('hooks-alice');
  });
  afterAll(async () => {
    await Promise.all(receivers.map((receiver) => receiver.close()));
    await app?.stop();
  });

  it('delivers image.ready, signed, with the image without its links', async () => {
    const receiver = await newReceiver();
    const webhook = await createWebhook(alice, receiver.url, ['image.ready']);
    expect(webhook.secret).toMatch(/^whsec_/);
    const stored = await app.db.webhook.findUniqueOrThrow({ where: { id: webhook.id } });
    expect(stored.sealedSecret).not.toContain(webhook.secret.slice(6));

    const { imageId } = await uploadThroughApi(app, alice, await discOnPlainBackground({ format: 'png', width: 160, height: 120 }));
    expect((await waitForSettledImage(app, alice, imageId)).status).toBe('ready');
    const [delivery] = await receiver.waitFor(1);
    const event = verifiedBody(delivery!, webhook.secret);
    expect(event).toEqual({
      id: expect.any(String),
      type: 'image.ready',
      createdAt: expect.any(String),
      data: expect.objectContaining({ id: imageId, status: 'ready' }),
    });
    expect(event.data).not.toHaveProperty('urls');
    expect(delivery!.body).not.toContain('sig=');
    expect(delivery!.headers['detour-delivery']).toBe(event.id);
    await expect
      .poll(async () => (await deliveriesOf(webhook.id))[0])
      .toMatchObject({ id: event.id, status: 'delivered', statusCode: 200, attempts: 1 });
  });

  it('delivers image.failed when processing stops, and never another user’s events', async () => {
    const receiver = await newReceiver();
    const webhook = await createWebhook(alice, receiver.url, ['image.ready', 'image.failed']);
    // Ben's image becomes ready first, then Alice's is refused by the remover: only hers reaches her
    // receiver (Ben's event, had it leaked, would have been due first).
    const ben = await app.tokenFor('hooks-ben');
    const bens = await uploadThroughApi(app, ben, await discOnPlainBackground({ format: 'png', width: 120, height: 90 }));
    expect((await waitForSettledImage(app, ben, bens.imageId)).status).toBe('ready');
    app.remover.failNext({ status: 400 });
    const { imageId } = await uploadThroughApi(app, alice, await discOnPlainBackground({ format: 'png', width: 140, height: 100 }));
    expect((await waitForSettledImage(app, alice, imageId)).status).toBe('failed');
    const [delivery] = await receiver.waitFor(1);
    const event = verifiedBody(delivery!, webhook.secret);
    expect(event).toMatchObject({ type: 'image.failed', data: { id: imageId, status: 'failed', error: { code: 'processing_failed' } } });
    expect(receiver.received.map((each) => JSON.parse(each.body).data.id)).not.toContain(bens.imageId);
  });

  it('retries a receiver that answers 503 twice with the same delivery id, until its 200', async () => {
    const receiver = await newReceiver();
    receiver.answerNext(503, 503);
    const webhook = await createWebhook(alice, receiver.url);
    const test = await app.api('POST', `/api/webhooks/${webhook.id}/test`, { token: alice });
    expect(test.status).toBe(202);
    // One test at a time: this one stays pending until its third attempt.
    expect((await app.api('POST', `/api/webhooks/${webhook.id}/test`, { token: alice })).status).toBe(409);
    const attempts = await receiver.waitFor(3);
    const ids = attempts.map((attempt) => verifiedBody(attempt, webhook.secret).id);
    expect(ids).toEqual([test.body.id, test.body.id, test.body.id]);
    expect(new Set(attempts.map((attempt) => attempt.body)).size).toBe(1);
    await expect
      .poll(async () => (await deliveriesOf(webhook.id))[0])
      .toMatchObject({ status: 'delivered', statusCode: 200, attempts: 3, nextAttemptAt: null });
  });

  it('does not retry a receiver that answers 400', async () => {
    const receiver = await newReceiver();
    receiver.answerAlways(400);
    const webhook = await createWebhook(alice, receiver.url);
    const first = await app.api('POST', `/api/webhooks/${webhook.id}/test`, { token: alice });
    await receiver.waitFor(1);
    await expect
      .poll(async () => (await deliveriesOf(webhook.id))[0])
      .toMatchObject({ id: first.body.id, status: 'failed', statusCode: 400, attempts: 1, nextAttemptAt: null });
    // A second event arrives after it; had the first been retried, it would have come in between.
    const second = await app.api('POST', `/api/webhooks/${webhook.id}/test`, { token: alice });
    const received = await receiver.waitFor(2);
    expect(received.map((delivery) => JSON.parse(delivery.body).id)).toEqual([first.body.id, second.body.id]);
  });

  it('keeps each user’s webhooks their own', async () => {
    const receiver = await newReceiver();
    const webhook = await createWebhook(alice, receiver.url);
    const ben = await app.tokenFor('hooks-ben');
    expect((await app.api('GET', '/api/webhooks', { token: ben })).body).toEqual({ webhooks: [] });
    for (const [method, suffix] of [
      ['GET', '/deliveries'],
      ['POST', '/test'],
      ['DELETE', ''],
    ] as const) {
      expect((await app.api(method, `/api/webhooks/${webhook.id}${suffix}`, { token: ben })).status).toBe(404);
    }
    const listed = await app.api('GET', '/api/webhooks', { token: alice });
    expect(listed.body.webhooks.map((each: { id: string }) => each.id)).toContain(webhook.id);
    expect(JSON.stringify(listed.body)).not.toContain(webhook.secret);
    expect((await app.api('DELETE', `/api/webhooks/${webhook.id}`, { token: alice })).status).toBe(204);
    expect((await app.api('GET', `/api/webhooks/${webhook.id}/deliveries`, { token: alice })).status).toBe(404);
  });

  it('refuses URLs that are not http(s) and events it does not know', async () => {
    for (const body of [
      { url: 'ftp://127.0.0.1/hook', events: ['image.ready'] },
      { url: 'not a url', events: ['image.ready'] },
      { url: 'https://example.com/hook', events: [] },
      { url: 'https://example.com/hook', events: ['image.deleted'] },
    ]) {
      const response = await app.api('POST', '/api/webhooks', { token: alice, body });
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.error.code).toBe('invalid_request');
    }
  });
});
