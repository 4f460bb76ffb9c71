import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BlobTriggerListener } from '../triggers/blobTrigger.js';
import { describeError, timestamped, type LogSink } from '../log.js';
import { presentedKey, type HostKeys } from './hostKeys.js';
import { readBody, type RequestHandler } from './httpServer.js';

/**
 * The blobs extension's Event Grid endpoint, as an Event Grid subscription calls it on Azure:
 * `POST /runtime/webhooks/blobs?functionName=Host.Functions.<name>&code=<blobs_extension key>`, the
 * `aeg-event-type` header saying what the body holds (an array of Event Grid schema events). The
 * subscription's validation handshake is answered with its code; `Microsoft.Storage.BlobCreated`
 * events are handed to the named blob trigger (source: 'EventGrid'), which skips blobs it already
 * has a receipt for, and are acknowledged with 202, as the extension's HttpRequestProcessor does.
 */

const PATH = '/runtime/webhooks/blobs';
const SYSTEM_KEY = 'blobs_extension';
/** Event Grid delivers at most 1 MB per request. */
const MAX_BODY_BYTES = 1024 * 1024;

interface EventGridEvent {
  eventType?: unknown;
  data?: { validationCode?: unknown; url?: unknown; eTag?: unknown };
}

async function readEvents(req: IncomingMessage): Promise<EventGridEvent[] | undefined> {
  const body = await readBody(req, MAX_BODY_BYTES);
  if (!body) return undefined;
  try {
    const events: unknown = JSON.parse(body.toString('utf8'));
    return Array.isArray(events) ? (events as EventGridEvent[]) : undefined;
  } catch {
    return undefined;
  }
}

/** Container and blob name of a blob URL: `https://<account>.blob…/<container>/<blob>` or path-style `http://host:port/<account>/<container>/<blob>`. */
function blobOf(url: string, accountName: string): { container: string; blobName: string } | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const segments = parsed.pathname.split('/').slice(1);
  if (parsed.hostname.split('.')[0] !== accountName) segments.shift();
  const [container, ...rest] = segments;
  if (!container || rest.length === 0) return undefined;
  return { container: decodeURIComponent(container), blobName: rest.map(decodeURIComponent).join('/') };
}

function reply(res: ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}

export function blobEventsWebhook(options: {
  /** The app's blob triggers (those with `source: 'EventGrid'` take events), once they are made. */
  listeners: () => readonly BlobTriggerListener[];
  keys: HostKeys;
  log: LogSink;
}): RequestHandler {
  const { listeners, keys, log } = options;
  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname.toLowerCase() !== PATH) return false;
    if (!keys.allowsSystem(SYSTEM_KEY, presentedKey(req, url))) {
      req.resume();
      reply(res, 401);
      return true;
    }
    if (req.method !== 'POST') {
      req.resume();
      res.writeHead(405, { allow: 'POST' }).end();
      return true;
    }
    const functionId = url.searchParams.get('functionName') ?? '';
    const listener = listeners().find(
      (candidate) => candidate.takesEventGrid && `Host.Functions.${candidate.registration.name}`.toLowerCase() === functionId.toLowerCase(),
    );
    if (!listener) {
      req.resume();
      reply(res, 404, { error: `No blob trigger with source 'EventGrid' is named '${functionId}' (expected Host.Functions.<name>).` });
      return true;
    }
    const events = await readEvents(req);
    if (!events) {
      reply(res, 400, { error: 'The body must be a JSON array of Event Grid events of at most 1 MB.' });
      return true;
    }
    switch (req.headers['aeg-event-type']) {
      case 'SubscriptionValidation': {
        const code = events[0]?.data?.validationCode;
        if (typeof code !== 'string') reply(res, 400, { error: 'The validation event carries no data.validationCode.' });
        else reply(res, 200, { validationResponse: code });
        return true;
      }
      case 'Notification':
        for (const event of events) {
          if (event.eventType !== 'Microsoft.Storage.BlobCreated') continue;
          const { accountName, containerName } = listener.container;
          const blob = typeof event.data?.url === 'string' ? blobOf(event.data.url, accountName) : undefined;
          if (!blob || typeof event.data?.eTag !== 'string' || blob.container !== containerName) continue;
          try {
            await listener.deliver(blob.blobName, event.data.eTag);
          } catch (error) {
            log(timestamped(`Blob trigger ${listener.registration.name}: Event Grid event for ${blob.blobName}: ${describeError(error)}`));
            reply(res, 500); // Event Grid retries the delivery
            return true;
          }
        }
        reply(res, 202);
        return true;
      case 'Unsubscribe':
        reply(res, 202);
        return true;
      default:
        reply(res, 400, { error: 'The aeg-event-type header must be SubscriptionValidation, Notification or Unsubscribe.' });
        return true;
    }
  };
}
