import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BlobServiceClient } from '@azure/storage-blob';
import { QueueServiceClient } from '@azure/storage-queue';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { startHost, type RunningHost } from '../host.js';
import {
  blobCreatedEvent,
  drainQueue,
  FIXTURE_APP,
  fixtureSettings,
  logCollector,
  postEventGrid,
  subscriptionValidationEvent,
  uniqueName,
  waitFor,
} from './helpers.js';

interface Delivery {
  name: string;
  text: string;
  [field: string]: unknown;
}

const MAIN = path.join(path.dirname(fileURLToPath(import.meta.url)), '../main.ts');

describe('devhost blob triggers', () => {
  const connectionString = inject('azuriteConnectionString');
  const blobs = BlobServiceClient.fromConnectionString(connectionString);
  const queues = QueueServiceClient.fromConnectionString(connectionString);
  let host: RunningHost | undefined;
  let child: ChildProcess | undefined;
  afterEach(async () => {
    await host?.stop();
    host = undefined;
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  });

  /** Collects delivery messages until `predicate` holds for all collected so far. */
  async function deliveriesUntil(
    queueName: string,
    predicate: (all: Delivery[]) => boolean,
    collected: Delivery[] = [],
  ): Promise<Delivery[]> {
    const queue = queues.getQueueClient(queueName);
    return waitFor(async () => {
      collected.push(...(await drainQueue(queue)).map((text) => JSON.parse(text) as Delivery));
      return predicate(collected) ? collected : undefined;
    }, `deliveries on ${queueName}`);
  }

  async function upload(containerName: string, name: string, text: string) {
    const container = blobs.getContainerClient(containerName);
    await container.createIfNotExists();
    await container.getBlockBlobClient(name).upload(text, Buffer.byteLength(text), { blobHTTPHeaders: { blobContentType: 'text/plain' } });
  }

  it('delivers each new blob version once, with its bytes and trigger metadata', async () => {
    const { env, names } = fixtureSettings(connectionString, ['onUpload']);
    host = await startHost({ appRoot: FIXTURE_APP, port: 0, env, pollIntervalMs: 50, log: () => {} });
    await upload(names.uploads, 'user-1/photo.txt', 'first version');

    const delivered: Delivery[] = [];
    await deliveriesUntil(names.deliveries, (all) => all.length === 1, delivered);
    expect(delivered[0]).toMatchObject({
      name: 'user-1/photo.txt',
      blobTrigger: `${names.uploads}/user-1/photo.txt`,
      contentType: 'text/plain',
      text: 'first version',
      isBuffer: true,
    });
    expect(delivered[0]!.uri).toMatch(new RegExp(`/${names.uploads}/user-1/photo\\.txt$`));

    // Another blob, then a new version of the first: each is one event, and nothing is delivered twice
    // although the container has been listed many times meanwhile.
    await upload(names.uploads, 'user-1/other.txt', 'other');
    await deliveriesUntil(names.deliveries, (all) => all.some((delivery) => delivery.name === 'user-1/other.txt'), delivered);
    await upload(names.uploads, 'user-1/photo.txt', 'second version');
    await deliveriesUntil(names.deliveries, (all) => all.some((delivery) => delivery.text === 'second version'), delivered);
    expect(delivered.map((delivery) => delivery.text)).toEqual(['first version', 'other', 'second version']);
  });

  it('tries a failing blob poisonBlobThreshold (3, from host.json) times, then reports it on webjobs-blobtrigger-poison and leaves it alone', async () => {
    const { env, names } = fixtureSettings(connectionString, ['onUpload']);
    const logs = logCollector();
    host = await startHost({ appRoot: FIXTURE_APP, port: 0, env, pollIntervalMs: 50, log: logs.log });
    await upload(names.uploads, 'will-fail.txt', 'x');

    const poison = queues.getQueueClient('webjobs-blobtrigger-poison');
    const report = await waitFor(async () => {
      if (!(await poison.exists())) return undefined;
      const { peekedMessageItems } = await poison.peekMessages({ numberOfMessages: 32 });
      return peekedMessageItems
        .map((message) => JSON.parse(Buffer.from(message.messageText, 'base64').toString('utf8')) as Record<string, string>)
        .find((message) => message.ContainerName === names.uploads);
    }, 'the poison report');
    expect(report).toMatchObject({ Type: 'BlobTrigger', FunctionId: 'Host.Functions.onUpload', BlobName: 'will-fail.txt' });
    expect(report.ETag).toMatch(/^"0x/);

    await upload(names.uploads, 'fine.txt', 'fine');
    await deliveriesUntil(names.deliveries, (all) => all.some((delivery) => delivery.name === 'fine.txt'));
    expect(logs.lines.filter((line) => line.includes('refusing will-fail.txt'))).toHaveLength(3);
  });

  it('runs at most maxDegreeOfParallelism (2, from host.json) blob invocations at once', async () => {
    const { env, names } = fixtureSettings(connectionString, ['onUpload']);
    host = await startHost({ appRoot: FIXTURE_APP, port: 0, env, pollIntervalMs: 50, log: () => {} });
    await Promise.all(['slow-1.txt', 'slow-2.txt', 'slow-3.txt', 'slow-4.txt'].map((name) => upload(names.uploads, name, name)));
    const delivered = await deliveriesUntil(names.deliveries, (all) => all.length === 4);
    expect(Math.max(...delivered.map((delivery) => Number(delivery.active)))).toBe(2);
  });

  it('takes Event Grid deliveries at the blobs extension webhook: the validation handshake, then BlobCreated events', async () => {
    const { env, names } = fixtureSettings(connectionString, ['onUpload']);
    // Polled once at start-up and not again during the test: only the webhook can deliver.
    host = await startHost({ appRoot: FIXTURE_APP, port: 0, env, pollIntervalMs: 600_000, log: () => {} });
    const key = host.keys.systemKey('blobs_extension')!;
    const webhook = (eventType: 'SubscriptionValidation' | 'Notification', events: unknown[], functionName = 'onUpload', code = key) =>
      postEventGrid(
        `${host!.url}/runtime/webhooks/blobs?functionName=Host.Functions.${functionName}&code=${encodeURIComponent(code)}`,
        eventType,
        events,
      );

    const validation = await webhook('SubscriptionValidation', [subscriptionValidationEvent('512d38b6-c7b8-40c8-89fe-f46f9e9622b6')]);
    expect(validation.status).toBe(200);
    expect(await validation.json()).toEqual({ validationResponse: '512d38b6-c7b8-40c8-89fe-f46f9e9622b6' });

    await upload(names.uploads, 'by-event.txt', 'from Event Grid');
    const container = blobs.getContainerClient(names.uploads);
    const eventFor = async (name: string) =>
      blobCreatedEvent({
        url: container.getBlobClient(name).url,
        eTag: (await container.getBlobClient(name).getProperties()).etag!,
        contentType: 'text/plain',
        contentLength: 15,
      });
    const blobCreated = await eventFor('by-event.txt');

    expect((await webhook('Notification', [blobCreated], 'onUpload', 'wrong')).status).toBe(401);
    expect((await webhook('Notification', [blobCreated], 'nothing')).status).toBe(404);
    expect((await webhook('Notification', [blobCreated])).status).toBe(202);
    const [delivery] = await deliveriesUntil(names.deliveries, (all) => all.length === 1);
    expect(delivery).toMatchObject({ name: 'by-event.txt', text: 'from Event Grid' });

    // Event Grid delivers at least once: the same event again, or one for a version since replaced, runs nothing.
    expect((await webhook('Notification', [blobCreated])).status).toBe(202);
    await upload(names.uploads, 'by-event.txt', 'second version');
    expect((await webhook('Notification', [blobCreated])).status).toBe(202);
    await upload(names.uploads, 'marker.txt', 'marker');
    expect((await webhook('Notification', [await eventFor('marker.txt')])).status).toBe(202);
    const all = await deliveriesUntil(names.deliveries, (found) => found.some((one) => one.name === 'marker.txt'), [delivery!]);
    expect(all.map((one) => one.text)).toEqual(['from Event Grid', 'marker']);
  });

  it('runs a blob version once when the poll and an Event Grid event find it at the same time', async () => {
    const { env, names } = fixtureSettings(connectionString, ['onUpload']);
    host = await startHost({ appRoot: FIXTURE_APP, port: 0, env, pollIntervalMs: 50, log: () => {} });
    const url = `${host.url}/runtime/webhooks/blobs?functionName=Host.Functions.onUpload&code=${encodeURIComponent(host.keys.systemKey('blobs_extension')!)}`;
    // A slow- blob holds its invocation for 300 ms, before its receipt is written: only the listener's own bookkeeping can tell the two arrivals apart.
    await upload(names.uploads, 'slow-both.txt', 'both ways');
    const blob = blobs.getContainerClient(names.uploads).getBlobClient('slow-both.txt');
    const event = blobCreatedEvent({
      url: blob.url,
      eTag: (await blob.getProperties()).etag!,
      contentType: 'text/plain',
      contentLength: 9,
    });
    expect((await postEventGrid(url, 'Notification', [event])).status).toBe(202);
    const delivered = await deliveriesUntil(names.deliveries, (all) => all.length > 0);
    await upload(names.uploads, 'marker.txt', 'marker');
    await deliveriesUntil(names.deliveries, (all) => all.some((one) => one.name === 'marker.txt'), delivered);
    expect(delivered.map((one) => one.text)).toEqual(['both ways', 'marker']);
  });

  it('gives an SDK-type binding (sdkBinding: true) the client its registered factory makes', async () => {
    const { env, names } = fixtureSettings(connectionString, ['onClientUpload']);
    host = await startHost({ appRoot: FIXTURE_APP, port: 0, env, pollIntervalMs: 50, log: () => {} });
    await upload(names.clientUploads, 'doc.txt', 'by reference');
    const [delivery] = await deliveriesUntil(names.deliveries, (all) => all.length === 1);
    expect(delivery).toEqual({
      name: 'doc.txt',
      client: { Connection: 'FixtureStorage', ContainerName: names.clientUploads, BlobName: 'doc.txt', source: 'AzureStorageBlobs' },
    });
  });

  it('never delivers a blob twice across a devhost killed with SIGKILL and started again', async () => {
    const { env, names } = fixtureSettings(connectionString, ['onUpload']);
    const hostId = uniqueName('restart');
    const startChild = async () => {
      const started = spawn(
        process.execPath,
        ['--import', 'tsx', MAIN, '--app', FIXTURE_APP, '--port', '0', '--poll-interval', '50', '--host-id', hostId],
        {
          env: { ...process.env, ...env },
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      let output = '';
      started.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      await waitFor(() => {
        if (started.exitCode !== null) throw new Error(`The child host exited with ${started.exitCode}:\n${output}`);
        return output.includes('Host listening on') ? true : undefined;
      }, 'the child host');
      return started;
    };
    const delivered: Delivery[] = [];
    child = await startChild();
    await upload(names.uploads, 'before-kill.txt', 'one');
    await deliveriesUntil(names.deliveries, (all) => all.length === 1, delivered);
    // The receipt marks it done; wait for it so that the kill cannot fall between delivery and receipt.
    const receipts = blobs.getContainerClient('azure-webjobs-hosts');
    await waitFor(async () => {
      for await (const receipt of receipts.listBlobsFlat({ prefix: `blobreceipts/${hostId}/Host.Functions.onUpload/` })) {
        if (receipt.name.endsWith(`/${names.uploads}/before-kill.txt`)) return true;
      }
      return undefined;
    }, 'the receipt');
    child.kill('SIGKILL');
    await once(child, 'exit');

    child = await startChild();
    await upload(names.uploads, 'z-after-restart.txt', 'two');
    await deliveriesUntil(names.deliveries, (all) => all.some((delivery) => delivery.name === 'z-after-restart.txt'), delivered);
    // A graceful stop finishes whatever is running, so a redelivery could not slip past the last look.
    child.kill('SIGTERM');
    const [exitCode] = await once(child, 'exit');
    expect(exitCode).toBe(0);
    delivered.push(...(await drainQueue(queues.getQueueClient(names.deliveries))).map((text) => JSON.parse(text) as Delivery));
    expect(delivered.map((delivery) => delivery.name).sort()).toEqual(['before-kill.txt', 'z-after-restart.txt']);
  });
});
