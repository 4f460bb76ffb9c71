import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { QueueClient } from '@azure/storage-queue';

/** The fixture function app every devhost test runs. */
export const FIXTURE_APP = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/app');

/** The fixture's Durable functions and the functions that start them. */
export const DURABLE_FIXTURES = [
  'double',
  'doubleTwice',
  'track',
  'fanOut',
  'callsMissing',
  'startOrchestration',
  'startFromQueue',
] as const;

/** Fixture functions that stay off unless a test turns them on. */
const FIXTURE_FUNCTIONS = ['everySecond', 'hourly', 'onUpload', 'onClientUpload', 'onJob', ...DURABLE_FIXTURES] as const;

/** A lower-case name unique to this run, valid for containers and queues. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`;
}

export interface FixtureSettings {
  env: Record<string, string>;
  names: { uploads: string; clientUploads: string; deliveries: string; jobs: string; results: string; starts: string };
}

/** App settings for one host of the fixture app: its own containers and queues; only `enabled` functions listen. */
export function fixtureSettings(
  connectionString: string,
  enabled: ReadonlyArray<(typeof FIXTURE_FUNCTIONS)[number]> = [],
): FixtureSettings {
  const names = {
    uploads: uniqueName('uploads'),
    clientUploads: uniqueName('client'),
    deliveries: uniqueName('deliveries'),
    jobs: uniqueName('jobs'),
    results: uniqueName('results'),
    starts: uniqueName('starts'),
  };
  const env: Record<string, string> = {
    AzureWebJobsStorage: connectionString,
    FixtureStorage: connectionString,
    UPLOADS_CONTAINER: names.uploads,
    CLIENT_CONTAINER: names.clientUploads,
    DELIVERIES_QUEUE: names.deliveries,
    JOBS_QUEUE: names.jobs,
    RESULTS_QUEUE: names.results,
    START_QUEUE: names.starts,
  };
  for (const name of FIXTURE_FUNCTIONS) env[`AzureWebJobs.${name}.Disabled`] = String(!enabled.includes(name));
  return { env, names };
}

/** Polls `probe` until it returns something other than undefined. */
export async function waitFor<T>(probe: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** Every message now visible on a queue, removed and base64-decoded (the host's encoding). */
export async function drainQueue(queue: QueueClient): Promise<string[]> {
  const texts: string[] = [];
  for (;;) {
    const received = await queue.receiveMessages({ numberOfMessages: 32 }).catch((error: { statusCode?: number }) => {
      if (error.statusCode === 404) return { receivedMessageItems: [] }; // nothing was ever written to it
      throw error;
    });
    const { receivedMessageItems } = received;
    if (receivedMessageItems.length === 0) return texts;
    for (const message of receivedMessageItems) {
      texts.push(Buffer.from(message.messageText, 'base64').toString('utf8'));
      await queue.deleteMessage(message.messageId, message.popReceipt);
    }
  }
}

/** Collects log lines in memory. */
export function logCollector(): { lines: string[]; log: (line: string) => void } {
  const lines: string[] = [];
  return { lines, log: (line) => lines.push(line) };
}

/** The file URL of an installed package's entry, for apps written outside this repository. */
export function packageUrl(name: string): string {
  return pathToFileURL(createRequire(import.meta.url).resolve(name)).href;
}

/**
 * A function app in a temporary folder: package.json (main: `functions/*.js`), the given host.json
 * and function files. Function files import packages by `packageUrl`, so that they load the same
 * copies the devhost uses.
 */
export async function writeApp(options: {
  hostJson?: unknown;
  functions: Record<string, string>;
}): Promise<{ root: string; remove(): Promise<void> }> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'devhost-app-'));
  await mkdir(path.join(root, 'functions'));
  await writeFile(path.join(root, 'package.json'), JSON.stringify({ name: 'devhost-test-app', type: 'module', main: 'functions/*.js' }));
  if (options.hostJson !== undefined) await writeFile(path.join(root, 'host.json'), JSON.stringify(options.hostJson));
  for (const [name, source] of Object.entries(options.functions)) await writeFile(path.join(root, 'functions', name), source);
  return { root, remove: () => rm(root, { recursive: true, force: true }) };
}

/** The storage account's resource id as Event Grid names it in `topic`. */
const EVENT_GRID_TOPIC =
  '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/devstoreaccount1';

/** The subscription validation event Event Grid posts when a webhook subscription is created (EventGridSchema). */
export function subscriptionValidationEvent(validationCode: string) {
  return {
    id: '2d1781af-3a4c-4d7c-bd0c-e34b19da4e66',
    topic: EVENT_GRID_TOPIC,
    subject: '',
    data: { validationCode, validationUrl: 'https://rp-eastus2.eventgrid.azure.net/eventsubscriptions/validate?id=x' },
    eventType: 'Microsoft.EventGrid.SubscriptionValidationEvent',
    eventTime: '2026-03-01T00:00:00.0000000Z',
    metadataVersion: '1',
    dataVersion: '2',
  };
}

/** A `Microsoft.Storage.BlobCreated` event as Event Grid delivers it for a Put Blob (EventGridSchema); `url` without a query. */
export function blobCreatedEvent(blob: { url: string; eTag: string; contentType: string; contentLength: number }) {
  const [container, ...name] = new URL(blob.url).pathname.split('/').slice(2); // Azurite's paths start with the account
  return {
    topic: EVENT_GRID_TOPIC,
    subject: `/blobServices/default/containers/${container}/blobs/${name.join('/')}`,
    eventType: 'Microsoft.Storage.BlobCreated',
    id: '831e1650-001e-001b-66ab-eeb76e069631',
    data: {
      api: 'PutBlob',
      clientRequestId: '6d79dbfb-0e37-4fc4-981f-442c9ca89d60',
      requestId: '831e1650-001e-001b-66ab-eeb76e000000',
      eTag: blob.eTag.replaceAll('"', ''),
      contentType: blob.contentType,
      contentLength: blob.contentLength,
      blobType: 'BlockBlob',
      url: blob.url,
      sequencer: '00000000000004420000000000028963',
      storageDiagnostics: { batchId: 'b68529f3-68cd-4744-baa4-3c0498ec19f0' },
    },
    dataVersion: '',
    metadataVersion: '1',
    eventTime: '2026-03-01T00:00:01.0000000Z',
  };
}

/** Posts events to a blobs extension webhook URL as Event Grid does. */
export function postEventGrid(url: string, eventType: 'SubscriptionValidation' | 'Notification', events: unknown[]): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'aeg-event-type': eventType,
      'aeg-subscription-name': 'BLOB-CREATED',
      'aeg-delivery-count': '0',
    },
    body: JSON.stringify(events),
  });
}
