import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { TooManyPixelsError, UndecodableImageError } from './imageIo.js';
import { DEFAULT_MAX_INPUT_PIXELS, segmentForeground, type CutoutResult } from './segmentForeground.js';

/**
 * The local background-removal service, with the contract of the production FastAPI service:
 *
 *   POST /remove-background (any path but /health is accepted, `/` included)
 *   { "image_url": "<read SAS URL of the original>" }
 *   → 200 image/png (RGBA cut-out), X-Quality: excellent | good | fair
 *
 * Errors are `{ "error": { "code", "message", "details"? } }`:
 *   400 invalid_request  body is not JSON, or has no usable `image_url`
 *   400 invalid_image    the fetched bytes are not an image that decodes
 *   413 payload_too_large / image_too_large   request body over 64 KiB / image over the byte or pixel cap
 *   415 unsupported_media_type   request body declared as something other than JSON
 *   422 image_unavailable   storage refused the URL (4xx: expired SAS, missing blob…) or redirected
 *   502 storage_error    storage answered 5xx, or could not be reached
 *   503 busy             too many requests waiting (Retry-After)
 *   504 storage_timeout  storage did not deliver the image in time
 * `GET /health` → 200 `{ "status": "ok" }`.
 */

export interface RemoverServerOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Largest image fetched, in bytes. Default 50 MiB. */
  maxImageBytes?: number;
  /** Time allowed to fetch the whole image. Default 30 s. */
  fetchTimeoutMs?: number;
  /** Largest image decoded, in pixels. Default 50 MP. */
  maxInputPixels?: number;
  /** Images processed at the same time (memory is bounded by this). Default 2. */
  maxConcurrent?: number;
  /** Requests allowed to wait for a slot; more are answered 503. Default 32. */
  maxQueued?: number;
  /** One structured entry per request (never the SAS query string). */
  log?: (entry: Record<string, unknown>) => void;
}

export interface RunningRemoverServer {
  /** `http://host:port`, without a trailing slash. */
  url: string;
  /** Stops accepting connections and resolves once in-flight requests are answered (10 s at most). */
  close(): Promise<void>;
}

const DEFAULT_MAX_IMAGE_BYTES = 50 * 1024 * 1024;
const MAX_BODY_BYTES = 64 * 1024;
const CLOSE_GRACE_MS = 10_000;

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export async function startRemoverServer(options: RemoverServerOptions = {}): Promise<RunningRemoverServer> {
  const settings = {
    maxImageBytes: options.maxImageBytes ?? DEFAULT_MAX_IMAGE_BYTES,
    fetchTimeoutMs: options.fetchTimeoutMs ?? 30_000,
    maxInputPixels: options.maxInputPixels ?? DEFAULT_MAX_INPUT_PIXELS,
  };
  const slots = new Slots(options.maxConcurrent ?? 2, options.maxQueued ?? 32);
  const log = options.log ?? (() => {});

  const server = http.createServer((request, response) => {
    const started = Date.now();
    const entry: Record<string, unknown> = { method: request.method, path: (request.url ?? '/').split('?')[0] };
    handle(request, response, entry)
      .catch((error: unknown) => {
        const failure = error instanceof HttpError ? error : new HttpError(500, 'internal_error', 'The image could not be processed.');
        if (!(error instanceof HttpError)) entry.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        entry.code = failure.code;
        sendError(response, failure);
      })
      .finally(() => {
        entry.status = response.statusCode;
        entry.ms = Date.now() - started;
        log(entry);
      });
  });

  async function handle(request: http.IncomingMessage, response: http.ServerResponse, entry: Record<string, unknown>): Promise<void> {
    const path = (request.url ?? '/').split('?')[0]!.replace(/\/+$/, '') || '/';
    if (path === '/health') {
      if (request.method !== 'GET' && request.method !== 'HEAD') throw methodNotAllowed('GET, HEAD');
      sendJson(response, 200, { status: 'ok' });
      return;
    }
    if (request.method !== 'POST') {
      throw request.method === 'GET' || request.method === 'HEAD'
        ? new HttpError(404, 'not_found', 'Nothing here: POST /remove-background with { "image_url": … }, or GET /health.')
        : methodNotAllowed('POST');
    }

    const imageUrl = await readImageUrl(request);
    entry.image = `${imageUrl.origin}${imageUrl.pathname}`; // never the SAS signature

    // The caller hanging up stops the fetch.
    const hangUp = new AbortController();
    response.once('close', () => hangUp.abort());
    const image = await fetchImage(imageUrl, settings, hangUp.signal);
    entry.bytes = image.length;

    const release = await slots.acquire();
    let cutout: CutoutResult;
    try {
      cutout = await segmentForeground(image, { maxInputPixels: settings.maxInputPixels });
    } catch (error) {
      if (error instanceof UndecodableImageError)
        throw new HttpError(400, 'invalid_image', `${error.message} Supported: JPEG, PNG, WebP, AVIF, GIF, TIFF.`);
      if (error instanceof TooManyPixelsError) throw new HttpError(413, 'image_too_large', error.message);
      throw error;
    } finally {
      release();
    }
    entry.quality = cutout.quality;
    entry.report = cutout.report;
    response.writeHead(200, {
      'content-type': 'image/png',
      'content-length': String(cutout.png.length),
      'x-quality': cutout.quality,
      'cache-control': 'no-store',
    });
    response.end(cutout.png);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host === '[::]' ? '[::1]' : host}:${address.port}`,
    close() {
      closing ??= new Promise<void>((resolve) => {
        const force = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}

// ---------------------------------------------------------------------------------------------------

function methodNotAllowed(allow: string): HttpError {
  return new HttpError(405, 'method_not_allowed', `Use ${allow}.`, undefined, { allow });
}

/** Reads the JSON body (64 KiB at most) and returns its `image_url` as an http(s) URL. */
async function readImageUrl(request: http.IncomingMessage): Promise<URL> {
  const contentType = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (contentType && contentType !== 'application/json' && !contentType.endsWith('+json')) {
    throw new HttpError(415, 'unsupported_media_type', 'Send the body as application/json: { "image_url": "…" }.');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'payload_too_large', 'The request body is over 64 KiB.');
    chunks.push(chunk);
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'invalid_request', 'The body is not valid JSON; send { "image_url": "…" }.');
  }
  const value = body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>).image_url : undefined;
  if (typeof value !== 'string' || value.length === 0) {
    throw new HttpError(400, 'invalid_request', '`image_url` is required: the URL of the image to cut out.', [
      { field: 'image_url', problem: 'required string' },
    ]);
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new HttpError(400, 'invalid_request', '`image_url` is not a URL.', [{ field: 'image_url', problem: 'not a URL' }]);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new HttpError(400, 'invalid_request', '`image_url` must be an http or https URL.', [
      { field: 'image_url', problem: 'not http(s)' },
    ]);
  }
  if (url.username || url.password) {
    throw new HttpError(400, 'invalid_request', '`image_url` must not carry credentials.', [
      { field: 'image_url', problem: 'credentials' },
    ]);
  }
  return url;
}

/** GETs the image with a time limit and a byte cap; maps storage answers to this service's statuses. */
async function fetchImage(url: URL, settings: { maxImageBytes: number; fetchTimeoutMs: number }, hangUp: AbortSignal): Promise<Buffer> {
  const signal = AbortSignal.any([AbortSignal.timeout(settings.fetchTimeoutMs), hangUp]);
  const tooLarge = () => new HttpError(413, 'image_too_large', `The image is over ${settings.maxImageBytes} bytes.`);
  try {
    const response = await fetch(url, { signal, redirect: 'manual', headers: { accept: 'image/*' } });
    if (response.status >= 500) {
      await response.body?.cancel();
      throw new HttpError(502, 'storage_error', `Storage answered ${response.status} for the image; try again later.`, {
        status: response.status,
      });
    }
    if (response.status >= 300) {
      await response.body?.cancel();
      throw new HttpError(
        422,
        'image_unavailable',
        response.status < 400
          ? 'The image URL redirects; send the final URL of the image.'
          : `Storage refused the image URL (${response.status}): it may have expired, or the image no longer exists.`,
        { status: response.status },
      );
    }
    const declared = Number(response.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > settings.maxImageBytes) {
      await response.body?.cancel();
      throw tooLarge();
    }
    if (!response.body) throw new HttpError(400, 'invalid_image', 'The image URL delivered no bytes.');
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      size += chunk.length;
      if (size > settings.maxImageBytes) throw tooLarge(); // leaving the loop cancels the stream
      chunks.push(chunk);
    }
    if (size === 0) throw new HttpError(400, 'invalid_image', 'The image URL delivered no bytes.');
    return Buffer.concat(chunks, size);
  } catch (error) {
    if (error instanceof HttpError) throw error;
    if (hangUp.aborted) throw new HttpError(499, 'client_closed', 'The caller went away.');
    if (error instanceof Error && (error.name === 'TimeoutError' || (error.name === 'AbortError' && signal.aborted))) {
      throw new HttpError(504, 'storage_timeout', `Storage did not deliver the image within ${settings.fetchTimeoutMs} ms.`);
    }
    throw new HttpError(502, 'storage_error', 'Storage could not be reached for the image; try again later.');
  }
}

function sendJson(response: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    'cache-control': 'no-store',
    ...headers,
  });
  response.end(response.req.method === 'HEAD' ? undefined : text);
}

function sendError(response: http.ServerResponse, error: HttpError): void {
  if (response.headersSent || response.destroyed) {
    response.destroy();
    return;
  }
  const body: Record<string, unknown> = { code: error.code, message: error.message };
  if (error.details !== undefined) body.details = error.details;
  // The request body may not have been read to the end: do not keep this connection.
  sendJson(response, error.status, { error: body }, { ...error.headers, connection: 'close' });
}

/** At most `size` jobs at once, at most `queueLimit` waiting; beyond that a 503 with Retry-After. */
class Slots {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly size: number,
    private readonly queueLimit: number,
  ) {}

  async acquire(): Promise<() => void> {
    if (this.active >= this.size) {
      if (this.waiting.length >= this.queueLimit) {
        throw new HttpError(503, 'busy', 'Too many images are being processed; try again shortly.', undefined, { 'retry-after': '5' });
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.active++;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next)
        next(); // the slot passes on
      else this.active--;
    };
  }
}
