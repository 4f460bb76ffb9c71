import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAccessToken } from '../shared/auth/verifyAccessToken.js';
import { createLocalWebApp } from './localWebApp.js';

const JWT_SECRET = 'local-web-app-test-secret-0123456789abcdef';

/** A server that answers with the web app, and with 418 for what the web app leaves to the caller. */
async function serve(webRoot: string) {
  const webApp = createLocalWebApp({ webRoot, jwtSecret: JWT_SECRET, issuer: 'detour-local', audience: 'detour-api' });
  const server = http.createServer((req, res) => {
    void webApp(req, res).then((handled) => {
      if (!handled) res.writeHead(418).end('left to the caller');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** GET with the path sent exactly as written (fetch would normalise `..` away). */
function getRawPath(baseUrl: string, rawPath: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(`${baseUrl}${rawPath}`, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
      .on('error', reject);
  });
}

describe('createLocalWebApp', () => {
  let folder: string;
  let webRoot: string;
  let server: Awaited<ReturnType<typeof serve>>;

  beforeAll(async () => {
    folder = await mkdtemp(path.join(os.tmpdir(), 'detour-web-'));
    webRoot = path.join(folder, 'dist');
    await mkdir(path.join(webRoot, 'assets'), { recursive: true });
    await writeFile(path.join(webRoot, 'index.html'), '<!doctype html><title>detour</title>');
    await writeFile(path.join(webRoot, 'assets', 'index-abc123.js'), 'console.log("page")');
    await writeFile(path.join(folder, 'secret.txt'), 'outside the web root');
    server = await serve(webRoot);
  });

  afterAll(async () => {
    await server.close();
    await rm(folder, { recursive: true, force: true });
  });

  it('serves the page at /, /gallery and /s/{token} (the page routes itself), never cached stale', async () => {
    for (const route of ['/', '/gallery', '/gallery/some-image', '/s/some-token']) {
      const response = await fetch(`${server.url}${route}`);
      expect(response.status, route).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(await response.text()).toContain('<title>detour</title>');
      // A share page's URL is its secret: no Referer, no index.
      expect(response.headers.get('referrer-policy'), route).toBe(route.startsWith('/s/') ? 'no-referrer' : null);
      expect(response.headers.get('x-robots-tag'), route).toBe(route.startsWith('/s/') ? 'noindex, nofollow' : null);
    }
  });

  it('serves built assets with their type, cached for good (their names carry a hash)', async () => {
    const response = await fetch(`${server.url}/assets/index-abc123.js`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await response.text()).toBe('console.log("page")');
  });

  it('leaves the API, unknown paths and paths out of the web root to the caller', async () => {
    expect((await fetch(`${server.url}/api/health`)).status).toBe(418);
    expect((await fetch(`${server.url}/assets/missing.js`)).status).toBe(418);
    expect((await fetch(`${server.url}/`, { method: 'POST' })).status).toBe(418);
    expect(await getRawPath(server.url, '/../secret.txt')).toBe(418);
    expect(await getRawPath(server.url, '/assets/..%2f..%2fsecret.txt')).toBe(418);
  });

  it('signs a local token that the API accepts for that user', async () => {
    const response = await fetch(`${server.url}/dev/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: 'alice@example.com' }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const { token } = (await response.json()) as { token: string };
    const identity = await verifyAccessToken(token, { jwtSecret: JWT_SECRET, issuer: 'detour-local', audience: 'detour-api' });
    expect(identity.userId).toBe('alice@example.com');
  });

  it('refuses a user name the API would not accept, with a docs/api.md error body', async () => {
    for (const body of ['{"userId":"two words"}', '{"userId":""}', '{}', 'not json']) {
      const response = await fetch(`${server.url}/dev/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(response.status, body).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('invalid_request');
    }
    const wrongMethod = await fetch(`${server.url}/dev/token`);
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
  });

  it('says how to build the page when it is not built', async () => {
    const unbuilt = await serve(path.join(folder, 'not-built'));
    try {
      const response = await fetch(`${unbuilt.url}/gallery`);
      expect(response.status).toBe(503);
      expect(await response.text()).toContain('npm run web:build');
    } finally {
      await unbuilt.close();
    }
  });
});
