import { randomUUID } from 'node:crypto';
import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { BlobServiceClient } from '@azure/storage-blob';
import { describeError, timestamped, type LogSink } from './log.js';

/**
 * A stand-in for the Event Grid system topic of a storage account, for Azurite, which publishes no
 * events. It is a pass-through HTTP proxy in front of Azurite's blob endpoint: every request and
 * response goes through unchanged and streamed (the Host header too: neither a SAS nor a Shared Key
 * signature covers it, and Azurite then names the relay in the URLs it writes). When a request
 * creates or replaces a blob — Put Blob, Put Block List, Copy Blob or Put Blob From URL — and Azurite
 * answers 201 or 202, one `Microsoft.Storage.BlobCreated` event (EventGridSchema) goes, after the
 * response, to every subscription whose filters it passes, as Event Grid posts it to a webhook: one
 * event per request (`maxEventsPerBatch` 1, Event Grid's default), `aeg-event-type: Notification`,
 * retried with a doubling delay when the endpoint fails, logged and dropped after the last try.
 * Subscribing performs Event Grid's validation handshake (the webhook answers with the code; there is no
 * `validationUrl` for manual validation).
 *
 * Not emitted: BlobDeleted, BlobTierChanged and the other event types, events of Data Lake (hierarchical
 * namespace) APIs. Length, content type and blob type come from the blob's properties; when that
 * version was replaced or deleted before they could be read, from the request (Put Blob's
 * `Content-Length`, `x-ms-blob-content-type`), and an event without `contentLength` fails a filter on it,
 * as on Event Grid when a key is missing.
 */

interface AdvancedFilter {
  operatorType: 'NumberLessThan' | 'NumberLessThanOrEquals' | 'NumberGreaterThan' | 'NumberGreaterThanOrEquals';
  /** A dotted path into the event, e.g. `data.contentLength`. */
  key: string;
  value: number;
}

export interface EventSubscription {
  /** The webhook; it must answer the validation handshake. */
  endpointUrl: string;
  /** Names the subscription in `aeg-subscription-name`. */
  name?: string;
  /** Event types delivered; all when omitted. */
  includedEventTypes?: readonly string[];
  /** Compared without regard to case, as Event Grid does by default. */
  subjectBeginsWith?: string;
  subjectEndsWith?: string;
  /** All must hold (Event Grid ANDs advanced filters). */
  advancedFilters?: readonly AdvancedFilter[];
}

export interface BlobEventsRelayOptions {
  /** A connection string of the Azurite account whose blob endpoint the relay stands in front of. */
  connectionString: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Tries of a delivery (the first included) before the event is dropped; default 4. */
  deliveryAttempts?: number;
  /** Delay before the second try, doubled for each further one; default 500 ms. */
  firstRetryDelayMs?: number;
  log?: LogSink;
}

export interface BlobEventsRelay {
  /** The blob endpoint through the relay (Azurite's, with the relay's port): `BlobEndpoint` of a connection string. */
  blobUrl: string;
  /** `connectionString` with its `BlobEndpoint` replaced by `blobUrl`; queue and table endpoints unchanged. */
  connectionString: string;
  /** Validates the webhook as Event Grid does when a subscription is created, then delivers to it; throws if it does not answer. */
  subscribe(subscription: EventSubscription): Promise<void>;
  /** Stops proxying and drops the deliveries in flight and waiting for a retry. */
  stop(): Promise<void>;
}

export interface BlobCreatedEvent {
  id: string;
  topic: string;
  subject: string;
  eventType: 'Microsoft.Storage.BlobCreated';
  eventTime: string;
  dataVersion: string;
  metadataVersion: '1';
  data: {
    api: string;
    clientRequestId?: string;
    requestId?: string;
    eTag: string;
    contentType?: string;
    contentLength?: number;
    blobType?: string;
    url: string;
    sequencer: string;
    storageDiagnostics: { batchId: string };
  };
}

const BLOB_CREATED = 'Microsoft.Storage.BlobCreated';
const DELIVERY_TIMEOUT_MS = 30_000;
const SUCCESS_STATUSES = new Set([200, 201, 202, 203, 204]);
const NUMBER_OPERATORS: Record<AdvancedFilter['operatorType'], (actual: number, value: number) => boolean> = {
  NumberLessThan: (actual, value) => actual < value,
  NumberLessThanOrEquals: (actual, value) => actual <= value,
  NumberGreaterThan: (actual, value) => actual > value,
  NumberGreaterThanOrEquals: (actual, value) => actual >= value,
};

function connectionStringPart(connectionString: string, name: string): string | undefined {
  return connectionString
    .split(';')
    .map((part) => part.split(/=(.*)/s))
    .find(([key]) => key?.toLowerCase() === name.toLowerCase())?.[1];
}

function withBlobEndpoint(connectionString: string, blobUrl: string): string {
  return connectionString
    .split(';')
    .map((part) => (part.toLowerCase().startsWith('blobendpoint=') ? `BlobEndpoint=${blobUrl}` : part))
    .join(';');
}

/** What a successful request did to a blob, if it created or replaced one; its Event Grid `api` name. */
function blobCreatingApi(req: IncomingMessage, url: URL): string | undefined {
  if (req.method !== 'PUT' || url.searchParams.has('restype')) return undefined; // restype: a container or the service
  const comp = url.searchParams.get('comp');
  if (comp === 'blocklist') return 'PutBlockList';
  if (comp !== null) return undefined;
  if (req.headers['x-ms-copy-source'] === undefined) return 'PutBlob';
  // Put Blob From URL names the blob type; Copy Blob (async, or sync with x-ms-requires-sync) does not.
  return req.headers['x-ms-blob-type'] === undefined ? 'CopyBlob' : 'PutBlobFromUrl';
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function valueAt(event: BlobCreatedEvent, key: string): unknown {
  let value: unknown = event;
  for (const part of key.split('.'))
    value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
  return value;
}

/** The filters that need only the event's type and subject, so that a blob no one subscribed to is not read. */
function takesSubject(subscription: EventSubscription, eventType: string, subject: string): boolean {
  const lowerSubject = subject.toLowerCase();
  if (subscription.includedEventTypes && !subscription.includedEventTypes.includes(eventType)) return false;
  if (subscription.subjectBeginsWith && !lowerSubject.startsWith(subscription.subjectBeginsWith.toLowerCase())) return false;
  return !subscription.subjectEndsWith || lowerSubject.endsWith(subscription.subjectEndsWith.toLowerCase());
}

function passes(subscription: EventSubscription, event: BlobCreatedEvent): boolean {
  if (!takesSubject(subscription, event.eventType, event.subject)) return false;
  return (subscription.advancedFilters ?? []).every((filter) => {
    const actual = valueAt(event, filter.key);
    return typeof actual === 'number' && NUMBER_OPERATORS[filter.operatorType](actual, filter.value);
  });
}

/** What the request itself says of the blob it wrote (only Put Blob sends the content). */
function propertiesOfRequest(write: { api: string; requestHeaders: IncomingHttpHeaders }) {
  const headers = write.requestHeaders;
  const length = write.api === 'PutBlob' ? Number(headers['content-length']) : NaN;
  return {
    contentType: header(headers['x-ms-blob-content-type']),
    contentLength: Number.isInteger(length) ? length : undefined,
    blobType: header(headers['x-ms-blob-type']) ?? 'BlockBlob',
  };
}

function isGone(error: unknown): boolean {
  const status = (error as { statusCode?: number }).statusCode;
  return status === 404 || status === 412;
}

export async function startBlobEventsRelay(options: BlobEventsRelayOptions): Promise<BlobEventsRelay> {
  const log = options.log ?? ((line: string) => console.log(line));
  const attempts = options.deliveryAttempts ?? 4;
  const firstRetryDelayMs = options.firstRetryDelayMs ?? 500;
  const azuriteBlobUrl = connectionStringPart(options.connectionString, 'BlobEndpoint');
  if (!azuriteBlobUrl) throw new Error('The blob events relay needs a connection string with a BlobEndpoint (Azurite).');
  const target = new URL(azuriteBlobUrl);
  const azurite = BlobServiceClient.fromConnectionString(options.connectionString);
  const accountName = azurite.accountName;
  const topic = `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/local/providers/Microsoft.Storage/storageAccounts/${accountName}`;
  const accountPath = `/${accountName}/`;

  const subscriptions: EventSubscription[] = [];
  const stopping = new AbortController();
  const pending = new Set<Promise<void>>();
  let sequence = 0n;

  /** Work after a response (reading properties, deliveries), awaited by `stop`; it handles its own errors. */
  function track(work: Promise<void>): void {
    pending.add(work);
    void work.then(() => pending.delete(work));
  }

  async function post(subscription: EventSubscription, eventType: string, events: unknown[], deliveryCount: number): Promise<Response> {
    return fetch(subscription.endpointUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'aeg-event-type': eventType,
        'aeg-subscription-name': (subscription.name ?? 'local').toUpperCase(),
        'aeg-delivery-count': String(deliveryCount),
        'aeg-data-version': '',
        'aeg-metadata-version': '1',
      },
      body: JSON.stringify(events),
      signal: AbortSignal.any([stopping.signal, AbortSignal.timeout(DELIVERY_TIMEOUT_MS)]),
    });
  }

  async function deliver(subscription: EventSubscription, event: BlobCreatedEvent): Promise<void> {
    for (let attempt = 0; attempt < attempts; attempt++) {
      if (attempt > 0) {
        const waited = await sleep(firstRetryDelayMs * 2 ** (attempt - 1), true, { signal: stopping.signal }).catch(() => false);
        if (!waited) return; // the relay stopped
      }
      let outcome: string;
      try {
        const response = await post(subscription, 'Notification', [event], attempt);
        await response.body?.cancel();
        if (SUCCESS_STATUSES.has(response.status)) return;
        outcome = `HTTP ${response.status}`;
      } catch (error) {
        if (stopping.signal.aborted) return;
        outcome = describeError(error);
      }
      if (attempt === attempts - 1)
        log(
          timestamped(
            `Blob events relay: ${event.subject} not delivered to ${subscription.endpointUrl} after ${attempts} tries (${outcome}); dropped.`,
          ),
        );
    }
  }

  interface BlobWrite {
    api: string;
    containerName: string;
    blobName: string;
    /** The request path, still URL-encoded: the event's `url`. */
    path: string;
    requestHeaders: IncomingHttpHeaders;
    responseHeaders: IncomingHttpHeaders;
  }

  async function publish(write: BlobWrite): Promise<void> {
    const subject = `/blobServices/default/containers/${write.containerName}/blobs/${write.blobName}`;
    // Most writes (the pipeline's outputs, exports) concern no subscription: their properties are not read.
    if (!subscriptions.some((subscription) => takesSubject(subscription, BLOB_CREATED, subject))) return;
    const eTag = header(write.responseHeaders.etag)!;
    let properties: { contentType?: string; contentLength?: number; blobType?: string };
    try {
      properties = await azurite
        .getContainerClient(write.containerName)
        .getBlobClient(write.blobName)
        .getProperties({ conditions: { ifMatch: eTag }, abortSignal: stopping.signal });
    } catch (error) {
      if (stopping.signal.aborted) return;
      if (!isGone(error)) throw error;
      properties = propertiesOfRequest(write);
    }
    const event: BlobCreatedEvent = {
      id: randomUUID(),
      topic,
      subject,
      eventType: BLOB_CREATED,
      eventTime: new Date().toISOString(),
      dataVersion: '',
      metadataVersion: '1',
      data: {
        api: write.api,
        clientRequestId: header(write.requestHeaders['x-ms-client-request-id']),
        requestId: header(write.responseHeaders['x-ms-request-id']),
        eTag: eTag.replaceAll('"', ''),
        contentType: properties.contentType,
        contentLength: properties.contentLength,
        blobType: properties.blobType,
        url: `${relayOrigin}${write.path}`,
        sequencer: (++sequence).toString(16).padStart(32, '0'),
        storageDiagnostics: { batchId: randomUUID() },
      },
    };
    for (const subscription of subscriptions) if (passes(subscription, event)) track(deliver(subscription, event));
  }

  /** After Azurite's answer has been passed on: the event of a request that created or replaced a blob. */
  function afterResponse(req: IncomingMessage, url: URL, answer: IncomingMessage): void {
    const api = blobCreatingApi(req, url);
    if (!api || !answer.headers.etag || (answer.statusCode !== 201 && answer.statusCode !== 202)) return;
    if (!url.pathname.startsWith(accountPath)) return;
    const [container, ...blobPath] = url.pathname.slice(accountPath.length).split('/');
    if (!container || blobPath.join('/') === '') return;
    const write: BlobWrite = {
      api,
      containerName: decodeURIComponent(container),
      blobName: blobPath.map(decodeURIComponent).join('/'),
      path: url.pathname,
      requestHeaders: req.headers,
      responseHeaders: answer.headers,
    };
    track(
      publish(write).catch((error: unknown) =>
        log(
          timestamped(
            `Blob events relay: the event of ${write.containerName}/${write.blobName} was not published: ${describeError(error)}`,
          ),
        ),
      ),
    );
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://relay');
    const upstream = http.request({
      protocol: target.protocol,
      hostname: target.hostname,
      port: target.port,
      method: req.method,
      path: req.url,
      headers: req.rawHeaders,
    });
    upstream.on('response', (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, answer.rawHeaders);
      answer.pipe(res);
      res.on('finish', () => afterResponse(req, url, answer));
    });
    upstream.on('error', (error) => {
      if (res.headersSent) res.destroy(error);
      else res.writeHead(502, { 'content-type': 'text/plain' }).end(`Blob events relay: Azurite did not answer: ${error.message}`);
    });
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, target.hostname, () => resolve());
  });
  const relayOrigin = `${target.protocol}//${target.hostname}:${(server.address() as AddressInfo).port}`;
  const blobUrl = `${relayOrigin}${target.pathname.replace(/\/$/, '')}`;

  return {
    blobUrl,
    connectionString: withBlobEndpoint(options.connectionString, blobUrl),
    async subscribe(subscription) {
      const validationCode = randomUUID();
      const validation = {
        id: randomUUID(),
        topic,
        subject: '',
        data: { validationCode },
        eventType: 'Microsoft.EventGrid.SubscriptionValidationEvent',
        eventTime: new Date().toISOString(),
        metadataVersion: '1',
        dataVersion: '2',
      };
      const response = await post(subscription, 'SubscriptionValidation', [validation], 0);
      const text = await response.text();
      let answer: unknown;
      try {
        answer = JSON.parse(text);
      } catch {
        answer = undefined;
      }
      if (response.status !== 200 || (answer as { validationResponse?: unknown } | undefined)?.validationResponse !== validationCode)
        throw new Error(
          `Webhook validation handshake failed: ${subscription.endpointUrl} answered HTTP ${response.status} ${text.slice(0, 200)}`,
        );
      subscriptions.push(subscription);
    },
    async stop() {
      stopping.abort();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await Promise.allSettled([...pending]);
    },
  };
}
