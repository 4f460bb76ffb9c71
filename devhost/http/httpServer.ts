import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream } from 'node:stream/web';
import functions from '@azure/functions';
import type { HttpRequestInit } from '@azure/functions';
import type { FunctionRegistration } from '../functionsCore.js';
import { triggerOf } from '../functionBindings.js';
import type { Invoker } from '../invocation.js';
import { describeError, timestamped, type LogSink } from '../log.js';
import { toSetCookieHeader } from './cookies.js';
import { presentedKey, type AuthLevel, type HostKeys } from './hostKeys.js';
import type { CorsPolicy } from './cors.js';
import { byPrecedence, parseRouteTemplate, type RouteTemplate } from './routeTemplate.js';

/**
 * HTTP triggers on Node's http server: the `/api` prefix, route templates and methods from the
 * binding metadata, keys checked for `function` and `admin` functions, the library's public
 * `HttpRequest` in, its `HttpResponse` (or a response init) out. Bodies as the real host moves them:
 * read whole and answered whole (with a Content-Length) unless the app called
 * `app.setup({ enableHttpStream: true })`, then streamed both ways.
 */

const WEBHOOKS = '/runtime/webhooks/';
/** The host's request size limit (100 MB); larger requests get 413. */
const MAX_REQUEST_BYTES = 104_857_600;

export interface HttpRoute {
  registration: FunctionRegistration;
  template: RouteTemplate;
  /** Upper-case methods; a route without any accepts every method. */
  methods: ReadonlySet<string>;
  authLevel: AuthLevel;
}

/** The routes of the app's HTTP triggers, most specific first. */
export function toHttpRoutes(registrations: readonly FunctionRegistration[]): HttpRoute[] {
  return registrations
    .filter((registration) => triggerOf(registration).kind === 'httptrigger')
    .map((registration) => {
      const { binding } = triggerOf(registration);
      const route = typeof binding.route === 'string' && binding.route ? binding.route : registration.name;
      const methods = Array.isArray(binding.methods) ? binding.methods.map((method) => String(method).toUpperCase()) : [];
      const authLevel = (typeof binding.authLevel === 'string' ? binding.authLevel.toLowerCase() : 'anonymous') as AuthLevel;
      return { registration, template: parseRouteTemplate(route), methods: new Set(methods), authLevel };
    })
    .sort((a, b) => byPrecedence(a.template, b.template));
}

/** Serves a request and resolves true, or resolves false without touching it. */
export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

export interface HttpListenerOptions {
  routes: readonly HttpRoute[];
  routePrefix: string;
  cors: CorsPolicy;
  invoker: Invoker;
  keys: HostKeys;
  /** `app.setup({ enableHttpStream: true })`: bodies streamed instead of buffered. */
  httpStream: boolean;
  /** Serve the extensions' `/runtime/webhooks/…`; each resolves false for a path that is not its own. */
  webhooks: readonly RequestHandler[];
  /** Offered what no function route matches; resolves false to leave it to the 404. */
  fallback?: RequestHandler;
  log: LogSink;
}

/** The path below the route prefix, or undefined when the request is outside it. */
function pathBelowPrefix(pathname: string, routePrefix: string): string | undefined {
  if (!routePrefix) return pathname;
  const prefix = `/${routePrefix}`;
  if (pathname.toLowerCase() === prefix.toLowerCase()) return '';
  return pathname.toLowerCase().startsWith(`${prefix.toLowerCase()}/`) ? pathname.slice(prefix.length) : undefined;
}

// The real host answers 404, not 405, when a route exists but not for this method
// (Azure/azure-functions-host#10098): the devhost does the same so that clients see one behaviour.
function findRoute(routes: readonly HttpRoute[], method: string, path: string) {
  for (const route of routes) {
    if (route.methods.size > 0 && !route.methods.has(method)) continue;
    const params = route.template.match(path);
    if (params) return { route, params };
  }
  return undefined;
}

function toHeaderRecord(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

/** The whole request body, or undefined once it passes `limit` (the host's, unless given). */
export async function readBody(req: IncomingMessage, limit = MAX_REQUEST_BYTES): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** The request as the handler sees it: its body read whole, or (streaming) handed on as it arrives. */
async function toHttpRequest(req: IncomingMessage, url: URL, params: Record<string, string>, stream: boolean) {
  const method = req.method ?? 'GET';
  const headers = toHeaderRecord(req);
  if (stream) {
    const hasBody = method !== 'GET' && method !== 'HEAD';
    // What the library builds from its streaming proxy (createStreamRequest): a fetch Request over the socket.
    const init = { method, headers, body: hasBody ? Readable.toWeb(req) : undefined, duplex: 'half' };
    const nativeRequest = new Request(url.href, init as RequestInit);
    return new functions.HttpRequest({ method, url: url.href, headers, params, nativeRequest } as HttpRequestInit);
  }
  const body = await readBody(req);
  return body && new functions.HttpRequest({ method, url: url.href, headers, params, body: { bytes: body } });
}

async function sendResponse(res: ServerResponse, result: unknown, stream: boolean): Promise<void> {
  // A handler that returns nothing gets what the host sends then: 204 without a body.
  if (result === undefined || result === null) {
    res.writeHead(204).end();
    return;
  }
  if (typeof result !== 'object')
    throw new TypeError('The HTTP response must be an object with optional properties "body", "status", "headers", and "cookies".');
  const response = result instanceof functions.HttpResponse ? result : new functions.HttpResponse(result);
  for (const [name, value] of response.headers) {
    if (name !== 'set-cookie') res.setHeader(name, value);
  }
  const setCookies = [...response.headers.getSetCookie(), ...response.cookies.map(toSetCookieHeader)];
  if (setCookies.length > 0) res.setHeader('set-cookie', setCookies);
  res.statusCode = response.status;
  if (!response.body) {
    res.end();
    return;
  }
  if (!stream) {
    // The worker hands the host the whole body (toRpcHttp: response.arrayBuffer()), which sends it in one piece.
    const body = Buffer.from(await response.arrayBuffer());
    res.setHeader('content-length', body.length);
    res.end(body);
    return;
  }
  res.flushHeaders();
  await pipeline(Readable.fromWeb(response.body as ReadableStream<Uint8Array>), res);
}

export function createHttpListener(options: HttpListenerOptions): RequestListener {
  const { routes, routePrefix, cors, invoker, keys, httpStream, webhooks, fallback, log } = options;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
    if (cors.answerPreflight(req, res)) return;
    cors.applyTo(req, res);
    if (url.pathname.startsWith(WEBHOOKS)) {
      for (const webhook of webhooks) if (await webhook(req, res)) return;
    }

    const path = pathBelowPrefix(url.pathname, routePrefix);
    const found = path === undefined ? undefined : findRoute(routes, req.method ?? 'GET', path);
    if (!found) {
      if (!(fallback && (await fallback(req, res)))) res.writeHead(404).end();
      return;
    }

    // The host's key check comes before the body is read.
    if (!keys.allows(found.route.authLevel, presentedKey(req, url), found.route.registration.name)) {
      req.resume();
      res.writeHead(401).end();
      return;
    }
    const request =
      Number(req.headers['content-length'] ?? 0) > MAX_REQUEST_BYTES ? undefined : await toHttpRequest(req, url, found.params, httpStream);
    if (!request) {
      res.writeHead(413, { connection: 'close' }).end();
      return;
    }
    let result: unknown;
    try {
      result = await invoker.invoke(found.route.registration, {
        triggerValue: request,
        reason: 'This function was programmatically called via the host APIs.',
      });
    } catch {
      // Invoker has logged it; like the host, the caller learns nothing but the status.
      res.writeHead(500).end();
      return;
    }
    await sendResponse(res, result, httpStream);
  };

  return (req, res) => {
    handle(req, res).catch((error: unknown) => {
      log(timestamped(`HTTP ${req.method} ${req.url} failed: ${describeError(error)}`));
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  };
}
