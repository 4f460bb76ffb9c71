import http from 'node:http';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startHost, type RunningHost } from '../host.js';
import { FIXTURE_APP, fixtureSettings, logCollector } from './helpers.js';

describe('devhost HTTP triggers', () => {
  let host: RunningHost;
  const logs = logCollector();

  beforeAll(async () => {
    const { env } = fixtureSettings(inject('azuriteConnectionString'));
    host = await startHost({
      appRoot: FIXTURE_APP,
      port: 0,
      env,
      log: logs.log,
      corsOrigins: ['http://localhost:5173'],
      fallback: async (req, res) => {
        if (req.url !== '/page') return false;
        res.writeHead(200, { 'content-type': 'text/html' }).end('<p>page</p>');
        return true;
      },
    });
  });
  afterAll(() => host?.stop());

  it('passes route parameters and the query to the handler, under the /api prefix', async () => {
    const response = await fetch(`${host.url}/api/greet/ada%20lovelace?q=42`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    const body = (await response.json()) as { greeting: string; q: string };
    expect(body).toMatchObject({ greeting: 'hello ada lovelace', q: '42' });
    expect(response.headers.get('set-cookie')).toBe('greeted=ada%20lovelace; HttpOnly');
  });

  it('matches literal segments without regard to case and prefers literal routes over parameters', async () => {
    expect(await (await fetch(`${host.url}/API/Items/latest`)).json()).toEqual({ latest: true });
    expect(await (await fetch(`${host.url}/api/items/7`)).json()).toEqual({ id: 7, method: 'GET' });
    expect(await (await fetch(`${host.url}/api/items/7`, { method: 'DELETE' })).json()).toEqual({ id: 7, method: 'DELETE' });
  });

  it('answers 404 for unknown paths, unmatched constraints, paths outside the prefix and methods a route does not allow', async () => {
    expect((await fetch(`${host.url}/api/nowhere`)).status).toBe(404);
    expect((await fetch(`${host.url}/api/items/seven`)).status).toBe(404);
    expect((await fetch(`${host.url}/greet/ada`)).status).toBe(404);
    // As the real host does (Azure/azure-functions-host#10098): no 405.
    const wrongMethod = await fetch(`${host.url}/api/items/7`, { method: 'PUT' });
    expect(wrongMethod.status).toBe(404);
  });

  it('offers what no function route matches to the fallback handler', async () => {
    const page = await fetch(`${host.url}/page`);
    expect(page.status).toBe(200);
    expect(await page.text()).toBe('<p>page</p>');
    expect((await fetch(`${host.url}/elsewhere`)).status).toBe(404);
  });

  it('hands the request body and headers to the handler and sends status and headers back', async () => {
    const response = await fetch(`${host.url}/api/echo?x=1`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: 'a,b\n1,2' });
    expect(response.status).toBe(201);
    expect(response.headers.get('content-type')).toBe('text/csv');
    expect(response.headers.get('x-echo-url')).toBe(`${host.url}/api/echo?x=1`);
    expect(await response.text()).toBe('a,b\n1,2');
  });

  it('refuses a request body over the host limit of 100 MB with 413', async () => {
    // Announced, not sent: the host answers from the Content-Length alone.
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const request = http.request(
        `${host.url}/api/echo`,
        { method: 'POST', headers: { 'content-length': String(104_857_601) } },
        (response) => {
          response.resume();
          resolve(response.statusCode);
        },
      );
      request.on('error', reject);
      request.write('x');
    });
    expect(status).toBe(413);
  });

  it('answers 204 when the handler returns nothing and 500 with an empty body when it throws', async () => {
    expect((await fetch(`${host.url}/api/nothing`)).status).toBe(204);
    const failed = await fetch(`${host.url}/api/boom`);
    expect(failed.status).toBe(500);
    expect(await failed.text()).toBe('');
    expect(logs.lines.some((line) => line.includes('[boom]') && line.includes('the handler broke'))).toBe(true);
  });

  it('with app.setup({ enableHttpStream: true }) streams a ReadableStream body: the first part arrives before the rest exists', async () => {
    const response = await fetch(`${host.url}/api/stream`);
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let received = '';
    while (!received.includes('first part;')) {
      const { value, done } = await reader.read();
      expect(done).toBe(false);
      received += decoder.decode(value, { stream: true });
    }
    // The stream cannot finish until this second request releases it, so a buffered response would never get here.
    expect((await fetch(`${host.url}/api/stream/release`, { method: 'POST' })).status).toBe(202);
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
      received += decoder.decode(chunk.value, { stream: true });
    expect(received).toBe('first part;second part');
    expect(response.headers.get('content-length')).toBeNull();
  });

  it('refuses app.setup once the app has started, as the library does after the worker reported its capabilities', async () => {
    expect((await fetch(`${host.url}/api/lateSetup`, { method: 'POST' })).status).toBe(500);
    expect(logs.lines).toContainEqual(expect.stringContaining("Setup options can't be changed after app startup has finished."));
  });

  it("logs through the InvocationContext with the function's name and invocation id", async () => {
    const { invocationId } = (await (await fetch(`${host.url}/api/greet/grace`)).json()) as { invocationId: string };
    expect(invocationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(logs.lines).toContainEqual(expect.stringContaining(`[greet] [${invocationId}] greeting grace`));
    expect(logs.lines).toContainEqual(expect.stringMatching(new RegExp(`Executed 'Functions.greet' \\(Succeeded, Id=${invocationId}`)));
  });

  it('answers CORS preflights for allowed origins only', async () => {
    const preflight = (origin: string) =>
      fetch(`${host.url}/api/echo`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
    const allowed = await preflight('http://localhost:5173');
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(allowed.headers.get('access-control-allow-headers')).toBe('content-type');
    const refused = await preflight('http://evil.example');
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
  });
});
