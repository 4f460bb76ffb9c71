import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { BlobSASPermissions, BlobServiceClient, BlockBlobClient } from '@azure/storage-blob';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { startBlobEventsRelay, type BlobCreatedEvent, type BlobEventsRelay } from '../blobEventsRelay.js';
import { logCollector, uniqueName, waitFor } from './helpers.js';

interface Received {
  eventType: string;
  deliveryCount: string;
  events: Array<BlobCreatedEvent & { data: { validationCode?: string } }>;
}

/** A webhook as Event Grid calls it: answers the validation handshake, records notifications, fails the first `failures`. */
async function startEndpoint(options: { failures?: number; validation?: 'answer' | 'refuse' } = {}) {
  const received: Received[] = [];
  let failures = options.failures ?? 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const entry: Received = {
        eventType: String(req.headers['aeg-event-type']),
        deliveryCount: String(req.headers['aeg-delivery-count']),
        events: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Received['events'],
      };
      received.push(entry);
      if (entry.eventType === 'SubscriptionValidation') {
        if (options.validation === 'refuse') res.writeHead(403).end();
        else
          res
            .writeHead(200, { 'content-type': 'application/json' })
            .end(JSON.stringify({ validationResponse: entry.events[0]!.data.validationCode }));
      } else if (failures > 0) {
        failures--;
        res.writeHead(503).end();
      } else res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`,
    received,
    notifications: () => received.filter((entry) => entry.eventType === 'Notification'),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
type Endpoint = Awaited<ReturnType<typeof startEndpoint>>;

describe('blob events relay (a local Event Grid system topic in front of Azurite)', () => {
  const azuriteConnectionString = inject('azuriteConnectionString');
  const { lines, log } = logCollector();
  let relay: BlobEventsRelay;
  let endpoint: Endpoint | undefined;
  let throughRelay: BlobServiceClient;
  let container: string;

  beforeEach(async () => {
    relay = await startBlobEventsRelay({ connectionString: azuriteConnectionString, firstRetryDelayMs: 50, log });
    throughRelay = BlobServiceClient.fromConnectionString(relay.connectionString);
    container = uniqueName('relay');
    await throughRelay.getContainerClient(container).create();
  });
  afterEach(async () => {
    await relay.stop();
    await endpoint?.close();
    endpoint = undefined;
  });

  async function subscribeAll(options?: Parameters<typeof startEndpoint>[0]) {
    endpoint = await startEndpoint(options);
    await relay.subscribe({ endpointUrl: endpoint.url, includedEventTypes: ['Microsoft.Storage.BlobCreated'] });
    return endpoint;
  }

  /** A write-only upload link through the relay, as the product hands a browser. */
  async function uploadLink(name: string): Promise<string> {
    return throughRelay
      .getContainerClient(container)
      .getBlobClient(name)
      .generateSasUrl({ permissions: BlobSASPermissions.parse('cw'), expiresOn: new Date(Date.now() + 10 * 60_000) });
  }

  /** Uploads a marker and waits for its event: the relay has published whatever the requests before it caused. */
  async function settle(subscriber: Endpoint): Promise<void> {
    const marker = `marker-${Date.now()}`;
    await throughRelay.getContainerClient(container).getBlockBlobClient(marker).upload('m', 1);
    await waitFor(
      () => (subscriber.notifications().some((entry) => entry.events[0]!.subject.endsWith(`/${marker}`)) ? true : undefined),
      'the marker event',
    );
    await sleep(100);
  }

  function eventsFor(subscriber: Endpoint, name: string) {
    return subscriber
      .notifications()
      .flatMap((entry) => entry.events)
      .filter((event) => event.subject === `/blobServices/default/containers/${container}/blobs/${name}`);
  }

  it('passes requests and answers through unchanged: a SAS upload, a read, a CORS preflight', async () => {
    const link = await uploadLink('a/b c.txt');
    expect(new URL(link).origin).toBe(new URL(relay.blobUrl).origin);
    await new BlockBlobClient(link).upload('hello relay', 11, { blobHTTPHeaders: { blobContentType: 'text/plain' } });
    const read = await throughRelay.getContainerClient(container).getBlobClient('a/b c.txt').downloadToBuffer();
    expect(read.toString()).toBe('hello relay');

    const azuriteUrl = BlobServiceClient.fromConnectionString(azuriteConnectionString).getContainerClient(container).getBlobClient('x').url;
    const preflight = (url: string) =>
      fetch(url, { method: 'OPTIONS', headers: { origin: 'http://example.test', 'access-control-request-method': 'PUT' } });
    const [direct, relayed] = [await preflight(azuriteUrl), await preflight(`${relay.blobUrl}/${container}/x`)];
    // The shared Azurite has no CORS rules: it refuses the preflight, and the relay passes that on.
    expect([relayed.status, direct.status]).toEqual([403, 403]);
    expect(await relayed.text()).toContain('<Code>CorsPreflightFailure</Code>');
  });

  it('publishes one BlobCreated event for an upload through a SAS link, with its subject, eTag and length', async () => {
    const subscriber = await subscribeAll();
    const photo = Buffer.alloc(3000, 7);
    const uploaded = await new BlockBlobClient(await uploadLink('photos/one.jpg')).upload(photo, photo.length, {
      blobHTTPHeaders: { blobContentType: 'image/jpeg' },
    });
    await settle(subscriber);
    const events = eventsFor(subscriber, 'photos/one.jpg');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      eventType: 'Microsoft.Storage.BlobCreated',
      metadataVersion: '1',
      topic: expect.stringMatching(/\/providers\/Microsoft\.Storage\/storageAccounts\/devstoreaccount1$/),
      data: {
        api: 'PutBlob',
        eTag: uploaded.etag!.replaceAll('"', ''),
        contentType: 'image/jpeg',
        contentLength: 3000,
        blobType: 'BlockBlob',
        url: `${relay.blobUrl}/${container}/photos/one.jpg`,
      },
    });
    expect(subscriber.received[0]!.eventType).toBe('SubscriptionValidation');
  });

  it('publishes one event for a multi-block upload, at Put Block List, and none for Put Block alone', async () => {
    const subscriber = await subscribeAll();
    const blob = new BlockBlobClient(await uploadLink('blocks.bin'));
    const ids = ['0', '1', '2'].map((n) => Buffer.from(`block-${n}`).toString('base64'));
    for (const id of ids) await blob.stageBlock(id, Buffer.alloc(1000, 1), 1000);
    const staged = new BlockBlobClient(await uploadLink('staged-only.bin'));
    await staged.stageBlock(ids[0]!, Buffer.alloc(10), 10);
    const committed = await blob.commitBlockList(ids);
    await settle(subscriber);
    expect(eventsFor(subscriber, 'staged-only.bin')).toEqual([]);
    const events = eventsFor(subscriber, 'blocks.bin');
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toMatchObject({ api: 'PutBlockList', contentLength: 3000, eTag: committed.etag!.replaceAll('"', '') });
  });

  it('publishes one event for a copy into a blob, and one for each time a blob is replaced', async () => {
    const subscriber = await subscribeAll();
    const containerClient = throughRelay.getContainerClient(container);
    const source = containerClient.getBlockBlobClient('source.txt');
    await source.upload('copied', 6);
    await source.upload('copied again', 12);
    const copy = await containerClient.getBlockBlobClient('copy.txt').syncCopyFromURL(source.url);
    await settle(subscriber);
    expect(eventsFor(subscriber, 'source.txt').map((event) => event.data.contentLength)).toEqual([6, 12]);
    const copies = eventsFor(subscriber, 'copy.txt');
    expect(copies).toHaveLength(1);
    expect(copies[0]!.data).toMatchObject({ api: 'CopyBlob', contentLength: 12, eTag: copy.etag!.replaceAll('"', '') });
  });

  it('publishes nothing for a refused upload, a read or a delete', async () => {
    const subscriber = await subscribeAll();
    const link = new URL(await uploadLink('forged.txt'));
    link.searchParams.set('sig', Buffer.alloc(32).toString('base64'));
    const refused = await fetch(link, { method: 'PUT', headers: { 'x-ms-blob-type': 'BlockBlob' }, body: 'nope' });
    expect(refused.status).toBe(403);
    const existing = throughRelay.getContainerClient(container).getBlockBlobClient('existing.txt');
    await existing.upload('x', 1);
    await settle(subscriber);
    const before = subscriber.notifications().length;
    await existing.downloadToBuffer();
    await existing.delete();
    await settle(subscriber);
    expect(eventsFor(subscriber, 'forged.txt')).toEqual([]);
    expect(eventsFor(subscriber, 'existing.txt')).toHaveLength(1);
    expect(subscriber.notifications()).toHaveLength(before + 1); // the second marker's
  });

  it("delivers only what a subscription's subject and size filters let through", async () => {
    endpoint = await startEndpoint();
    const subscriber = endpoint;
    const other = uniqueName('other');
    await throughRelay.getContainerClient(other).create();
    await relay.subscribe({
      endpointUrl: subscriber.url,
      includedEventTypes: ['Microsoft.Storage.BlobCreated'],
      subjectBeginsWith: `/blobServices/default/containers/${container}/blobs/in/`,
      advancedFilters: [{ operatorType: 'NumberLessThanOrEquals', key: 'data.contentLength', value: 10 }],
    });
    const upload = (containerName: string, name: string, bytes: number) =>
      throughRelay.getContainerClient(containerName).getBlockBlobClient(name).upload(Buffer.alloc(bytes), bytes);
    await upload(other, 'in/small.bin', 5);
    await upload(container, 'out/small.bin', 5);
    await upload(container, 'in/large.bin', 11);
    await upload(container, 'in/limit.bin', 10);
    await waitFor(() => (eventsFor(subscriber, 'in/limit.bin').length > 0 ? true : undefined), 'the event within the filters');
    await sleep(200);
    expect(subscriber.notifications().map((entry) => entry.events[0]!.subject)).toEqual([
      `/blobServices/default/containers/${container}/blobs/in/limit.bin`,
    ]);
  });

  it('subscribes only a webhook that answers the validation handshake with its code', async () => {
    endpoint = await startEndpoint({ validation: 'refuse' });
    await expect(relay.subscribe({ endpointUrl: endpoint.url })).rejects.toThrow(/validation handshake failed.*HTTP 403/);
    const refusing = endpoint;
    await throughRelay.getContainerClient(container).getBlockBlobClient('after.txt').upload('x', 1);
    await sleep(300);
    expect(refusing.notifications()).toEqual([]);
    expect(refusing.received).toHaveLength(1);
    expect(refusing.received[0]!.events[0]).toMatchObject({
      eventType: 'Microsoft.EventGrid.SubscriptionValidationEvent',
      data: { validationCode: expect.any(String) },
    });
  });

  it('retries a delivery that failed, with the delivery count, and logs and drops one that never succeeds', async () => {
    const subscriber = await subscribeAll({ failures: 2 });
    await throughRelay.getContainerClient(container).getBlockBlobClient('retried.txt').upload('x', 1);
    await waitFor(() => (subscriber.notifications().length === 3 ? true : undefined), 'the third try');
    expect(subscriber.notifications().map((entry) => entry.deliveryCount)).toEqual(['0', '1', '2']);
    expect(new Set(subscriber.notifications().map((entry) => entry.events[0]!.id)).size).toBe(1);

    const failing = await startEndpoint({ failures: Infinity });
    await relay.subscribe({ endpointUrl: failing.url });
    await throughRelay.getContainerClient(container).getBlockBlobClient('dropped.txt').upload('x', 1);
    await waitFor(
      () => (lines.some((line) => line.includes(`blobs/dropped.txt not delivered to ${failing.url} after 4 tries`)) ? true : undefined),
      'the drop',
    );
    expect(failing.notifications()).toHaveLength(4);
    await failing.close();
  });

  it('stops without waiting for a retry', async () => {
    const slowRelay = await startBlobEventsRelay({ connectionString: azuriteConnectionString, firstRetryDelayMs: 60_000, log });
    const subscriber = await startEndpoint({ failures: Infinity });
    await slowRelay.subscribe({ endpointUrl: subscriber.url });
    await BlobServiceClient.fromConnectionString(slowRelay.connectionString)
      .getContainerClient(container)
      .getBlockBlobClient('x')
      .upload('x', 1);
    await waitFor(() => (subscriber.notifications().length === 1 ? true : undefined), 'the first try');
    const started = Date.now();
    await slowRelay.stop();
    expect(Date.now() - started).toBeLessThan(2_000);
    await subscriber.close();
  });
});
