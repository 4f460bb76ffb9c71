import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { signLocalToken } from '../shared/auth/signLocalToken.js';
import { USER_ID_PATTERN } from '../shared/auth/userIdPattern.js';

/**
 * The gallery page for local use: the built page of `web/` at `/` and `/gallery` (the page routes
 * itself), its files, and the dev-only `POST /dev/token` that signs a local token for a user name.
 * That route exists only here, in the devhost: the Functions app has no such function, so production
 * never has it. Any other path is left to the caller (the handler resolves false).
 */

export interface LocalWebAppOptions {
  /** The folder `npm run web:build` writes (`web/dist`). */
  webRoot: string;
  /** AUTH_JWT_SECRET: the HS256 secret the API checks tokens with. */
  jwtSecret: string;
  /** AUTH_ISSUER / AUTH_AUDIENCE when the API checks them, so that the tokens pass. */
  issuer?: string;
  audience?: string;
  /** Life of a token (a `jose` time span); 12 hours unless given. */
  tokenLifetime?: string;
}

export type LocalWebApp = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

const MAX_TOKEN_REQUEST_BYTES = 1024;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** A share page, `/s/{token}` (as web/staticwebapp.config.json): its URL is the secret, so no Referer carries it on, and no search engine keeps it. */
const SHARE_PAGE_PREFIX = '/s/';
const SHARE_PAGE_HEADERS = { 'referrer-policy': 'no-referrer', 'x-robots-tag': 'noindex, nofollow' };

/** Paths the page itself answers (client-side routes): they get index.html. */
function isPageRoute(pathname: string): boolean {
  return (
    pathname === '/' ||
    pathname === '/index.html' ||
    pathname === '/gallery' ||
    pathname.startsWith('/gallery/') ||
    pathname.startsWith(SHARE_PAGE_PREFIX)
  );
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}

function sendError(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, { error: { code, message } }, headers);
}

async function readSmallBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The file under webRoot for a URL path, or undefined when there is none (or the path leaves webRoot). */
async function fileUnder(webRoot: string, pathname: string): Promise<{ file: string; size: number } | undefined> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  const file = path.resolve(webRoot, `.${path.posix.normalize(decoded)}`);
  if (!file.startsWith(webRoot + path.sep)) return undefined;
  const stats = await stat(file).catch(() => undefined);
  return stats?.isFile() ? { file, size: stats.size } : undefined;
}

export function createLocalWebApp(options: LocalWebAppOptions): LocalWebApp {
  const webRoot = path.resolve(options.webRoot);

  async function issueToken(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') {
      sendError(res, 405, 'method_not_allowed', 'Use POST with { "userId": "…" }.', { allow: 'POST' });
      return;
    }
    const text = await readSmallBody(req, MAX_TOKEN_REQUEST_BYTES);
    if (text === undefined) {
      sendError(res, 400, 'invalid_request', `The request body is larger than ${MAX_TOKEN_REQUEST_BYTES} bytes.`);
      return;
    }
    let userId: unknown;
    try {
      userId = (JSON.parse(text) as { userId?: unknown } | null)?.userId;
    } catch {
      sendError(res, 400, 'invalid_request', 'The request body is not valid JSON: send { "userId": "…" }.');
      return;
    }
    if (typeof userId !== 'string' || !USER_ID_PATTERN.test(userId)) {
      sendError(res, 400, 'invalid_request', 'userId must be 1–128 letters, digits or . _ @ | - characters.');
      return;
    }
    const token = await signLocalToken({
      userId,
      secret: options.jwtSecret,
      issuer: options.issuer,
      audience: options.audience,
      expiresIn: options.tokenLifetime ?? '12h',
    });
    sendJson(res, 200, { token });
  }

  async function sendFile(
    req: IncomingMessage,
    res: ServerResponse,
    found: { file: string; size: number },
    cacheControl: string,
    headers: Record<string, string> = {},
  ) {
    res.writeHead(200, {
      ...headers,
      'content-type': CONTENT_TYPES[path.extname(found.file).toLowerCase()] ?? 'application/octet-stream',
      'content-length': String(found.size),
      'cache-control': cacheControl,
      'x-content-type-options': 'nosniff',
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    await pipeline(createReadStream(found.file), res);
  }

  return async (req, res) => {
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    if (pathname === '/dev/token') {
      await issueToken(req, res);
      return true;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;

    if (isPageRoute(pathname)) {
      const page = await fileUnder(webRoot, '/index.html');
      if (!page) {
        res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
        res.end(`The gallery page is not built (no index.html in ${webRoot}): run npm run web:build.\n`);
        return true;
      }
      await sendFile(req, res, page, 'no-cache', pathname.startsWith(SHARE_PAGE_PREFIX) ? SHARE_PAGE_HEADERS : {});
      return true;
    }

    const asset = await fileUnder(webRoot, pathname);
    if (!asset) return false;
    // Vite puts a content hash in every name under assets/: those never change.
    const immutable = pathname.startsWith('/assets/');
    await sendFile(req, res, asset, immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    return true;
  };
}
