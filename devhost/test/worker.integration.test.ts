import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startHost, type RunningHost } from '../host.js';
import { logCollector, uniqueName } from './helpers.js';

/** An app that relies on what the Node worker and the host do around a handler: hooks, buffered bodies, keys, the function timeout. */
const WORKER_APP = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/worker-app');

describe('devhost as the worker and host run an app', () => {
  let host: RunningHost;
  let reportFolder: string;
  const logs = logCollector();
  const connectionString = inject('azuriteConnectionString');
  const hostId = uniqueName('worker');
  const start = () =>
    startHost({
      appRoot: WORKER_APP,
      port: 0,
      hostId,
      env: { AzureWebJobsStorage: connectionString, TERMINATE_REPORT: path.join(reportFolder, 'terminate.json') },
      log: logs.log,
    });

  beforeAll(async () => {
    reportFolder = await mkdtemp(path.join(os.tmpdir(), 'devhost-worker-'));
    host = await start();
  });
  afterAll(async () => {
    await host?.stop();
    await rm(reportFolder, { recursive: true, force: true });
  });

  it('runs appStart once before any invocation, and pre- and postInvocation hooks around every one, sharing hookData', async () => {
    const hooked = await fetch(`${host.url}/api/hooked`);
    expect(hooked.headers.get('x-wrapped-by')).toBe('preInvocation');
    expect(await hooked.json()).toEqual({ ran: true, preSawSameHookData: true });
    // A postInvocation hook may replace the error with a result.
    const rescued = await fetch(`${host.url}/api/rescued`);
    expect(rescued.status).toBe(200);
    expect(await rescued.text()).toBe('rescued from: the handler failed');
    expect(await (await fetch(`${host.url}/api/hookEvents`)).json()).toEqual([
      'appStart',
      'pre:hooked',
      'post:hooked',
      'pre:rescued',
      'post:rescued',
      'pre:hookEvents',
      // The response is serialised after the postInvocation hooks, as the worker does (getResponse comes last).
      'post:hookEvents',
    ]);
  });

  it('buffers a response body without app.setup({ enableHttpStream: true }) and sends it with its length, as the host does', async () => {
    const response = await fetch(`${host.url}/api/twoParts`);
    expect(response.headers.get('content-length')).toBe(String('first part;second part'.length));
    expect(response.headers.get('transfer-encoding')).toBeNull();
    expect(await response.text()).toBe('first part;second part');
  });

  it('asks for a key where authLevel says so: the function or host key for function level, only the master key for admin', async () => {
    const get = (route: string, key?: { header?: string; code?: string }) =>
      fetch(`${host.url}/api/${route}${key?.code ? `?code=${encodeURIComponent(key.code)}` : ''}`, {
        headers: key?.header ? { 'x-functions-key': key.header } : {},
      }).then((response) => response.status);
    const functionKey = host.keys.functionKey('functionLevel')!;
    expect(await get('functionLevel')).toBe(401);
    expect(await get('functionLevel', { code: 'not-a-key' })).toBe(401);
    expect(await get('functionLevel', { code: functionKey })).toBe(200);
    expect(await get('functionLevel', { header: host.keys.hostKey })).toBe(200);
    // The header wins over the query.
    expect(await get('functionLevel', { header: 'not-a-key', code: functionKey })).toBe(401);
    expect(await get('adminLevel', { header: functionKey })).toBe(401);
    expect(await get('adminLevel', { header: host.keys.hostKey })).toBe(401);
    expect(await get('adminLevel', { code: host.keys.masterKey })).toBe(200);
    // Printed at start-up like func prints them, and kept in the host storage for the next start.
    expect(logs.lines).toContainEqual(expect.stringContaining(`functionLevel: [GET] ${host.url}/api/functionLevel?code=${functionKey}`));
    expect(logs.lines).toContainEqual(expect.stringContaining(`adminLevel: [GET] ${host.url}/api/adminLevel?code=${host.keys.masterKey}`));
  });

  it('fails an invocation that runs past host.json functionTimeout, with the host’s message', async () => {
    const response = await fetch(`${host.url}/api/tooSlow`);
    expect(response.status).toBe(500);
    expect(logs.lines).toContainEqual(expect.stringMatching(/Timeout value of 00:00:03 exceeded by function 'Functions\.tooSlow'/));
  });

  it('keeps its keys across a restart and runs appTerminate when it stops', async () => {
    const keys = { master: host.keys.masterKey, function: host.keys.functionKey('functionLevel') };
    await host.stop();
    const report = JSON.parse(await readFile(path.join(reportFolder, 'terminate.json'), 'utf8')) as { startedBy: string; events: string[] };
    expect(report.startedBy).toBe('appStart');
    host = await start();
    expect({ master: host.keys.masterKey, function: host.keys.functionKey('functionLevel') }).toEqual(keys);
  });
});
