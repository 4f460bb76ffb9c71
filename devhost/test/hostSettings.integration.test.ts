import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DevhostError } from '../errors.js';
import { startHost } from '../host.js';
import { readHostSettings, timeSpanToMilliseconds } from '../hostSettings.js';
import { FIXTURE_APP } from './helpers.js';

describe('host.json and local.settings.json', () => {
  let appRoot: string;
  beforeAll(async () => {
    appRoot = await mkdtemp(path.join(os.tmpdir(), 'devhost-settings-'));
    await mkdir(path.join(appRoot, 'dist'));
    await writeFile(path.join(appRoot, 'package.json'), JSON.stringify({ name: 'settings-app', type: 'module', main: 'dist/*.js' }));
    await writeFile(path.join(appRoot, 'dist/empty.js'), 'export {};\n');
    await writeFile(
      path.join(appRoot, 'local.settings.json'),
      JSON.stringify({
        IsEncrypted: false,
        Values: { SETTINGS_TEST_FILE_ONLY: 'from file', SETTINGS_TEST_BOTH: 'from file' },
        Host: { CORS: 'http://localhost:3000' },
      }),
    );
  });
  afterAll(() => rm(appRoot, { recursive: true, force: true }));

  it('reads the fixture host.json and fills the rest with the host defaults', () => {
    const cores = os.availableParallelism();
    expect(readHostSettings(FIXTURE_APP)).toEqual({
      routePrefix: 'api',
      queues: {
        batchSize: 2,
        newBatchThreshold: 0,
        maxDequeueCount: 5,
        visibilityTimeoutMs: 0,
        maxPollingIntervalMs: 200,
        messageEncoding: 'base64',
      },
      blobs: { maxDegreeOfParallelism: 2, poisonBlobThreshold: 3 },
      durableTask: { hubName: 'FixtureHub', maxConcurrentActivityFunctions: 2, maxConcurrentOrchestratorFunctions: 10 * cores },
      functionTimeoutMs: undefined,
    });
    expect(readHostSettings(appRoot)).toEqual({
      routePrefix: 'api',
      queues: {
        batchSize: 16,
        newBatchThreshold: 8,
        maxDequeueCount: 5,
        visibilityTimeoutMs: 0,
        maxPollingIntervalMs: 60_000,
        messageEncoding: 'base64',
      },
      blobs: { maxDegreeOfParallelism: 8 * cores, poisonBlobThreshold: 5 },
      durableTask: { hubName: 'TestHubName', maxConcurrentActivityFunctions: 10 * cores, maxConcurrentOrchestratorFunctions: 10 * cores },
      functionTimeoutMs: undefined,
    });
  });

  it.each([
    [{ version: '2.0', watchDirectories: ['lib'] }, /watchDirectories: the devhost does not apply this setting/],
    [{ version: '2.0', logging: { logLevel: { default: 'Warning' } } }, /logging\.logLevel: the devhost does not apply/],
    [
      { version: '2.0', extensions: { http: { maxConcurrentRequests: 10 } } },
      /extensions\.http\.maxConcurrentRequests: the devhost does not apply/,
    ],
    [
      { version: '2.0', extensions: { queues: { maxPollingInterval: '00:00:02', batchsize: 8 } } },
      /extensions\.queues\.batchsize: the devhost/,
    ],
    [{ version: '2.0', extensions: { blobs: { maxDegreeOfParalellism: 4 } } }, /extensions\.blobs\.maxDegreeOfParalellism: the devhost/],
    [
      { version: '2.0', extensions: { durableTask: { storageProvider: { partitionCount: 4 }, extendedSessionsEnabled: true } } },
      /extensions\.durableTask\.storageProvider, extensions\.durableTask\.extendedSessionsEnabled: the devhost does not apply these settings/,
    ],
    [{ version: '2.0', extensions: { serviceBus: { prefetchCount: 10 } } }, /extensions\.serviceBus: the devhost/],
    [
      { version: '2.0', extensions: { queues: { visibilityTimeout: '10s' } } },
      /extensions\.queues\.visibilityTimeout: must be a time span/,
    ],
    [{ version: '2.0', functionTimeout: '5 minutes' }, /functionTimeout: /],
    [
      { version: '2.0', extensions: { durableTask: { hubName: 'my-hub' } } },
      /extensions\.durableTask\.hubName: must be 3–45 letters and digits/,
    ],
    [{ version: '1.0' }, /version: must be "2\.0"/],
  ])('refuses %j at start-up, naming what the devhost would otherwise ignore', async (hostJson, message) => {
    const folder = await mkdtemp(path.join(os.tmpdir(), 'devhost-hostjson-'));
    try {
      await writeFile(path.join(folder, 'host.json'), JSON.stringify(hostJson));
      expect(() => readHostSettings(folder)).toThrow(DevhostError);
      expect(() => readHostSettings(folder)).toThrow(message);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('reads functionTimeout as a time span, and -1 as no limit', async () => {
    const folder = await mkdtemp(path.join(os.tmpdir(), 'devhost-hostjson-'));
    try {
      await writeFile(path.join(folder, 'host.json'), JSON.stringify({ version: '2.0', functionTimeout: '00:10:00' }));
      expect(readHostSettings(folder).functionTimeoutMs).toBe(600_000);
      await writeFile(path.join(folder, 'host.json'), JSON.stringify({ version: '2.0', functionTimeout: '-1' }));
      expect(readHostSettings(folder).functionTimeoutMs).toBeUndefined();
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('parses .NET time spans', () => {
    expect(timeSpanToMilliseconds('00:00:30')).toBe(30_000);
    expect(timeSpanToMilliseconds('1.02:03:04.5')).toBe(((26 * 60 + 3) * 60 + 4) * 1000 + 500);
    expect(() => timeSpanToMilliseconds('30s')).toThrow(DevhostError);
  });

  it('applies local.settings.json Values the environment leaves unset, lets explicit env win, and honours Host.CORS', async () => {
    const host = await startHost({
      appRoot,
      port: 0,
      env: { AzureWebJobsStorage: inject('azuriteConnectionString'), SETTINGS_TEST_BOTH: 'from options' },
      log: () => {},
    });
    try {
      expect(host.registrations).toEqual([]);
      expect(process.env.SETTINGS_TEST_FILE_ONLY).toBe('from file');
      expect(process.env.SETTINGS_TEST_BOTH).toBe('from options');
      const preflight = await fetch(`${host.url}/api/anything`, {
        method: 'OPTIONS',
        headers: { origin: 'http://localhost:3000', 'access-control-request-method': 'GET' },
      });
      expect(preflight.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
    } finally {
      await host.stop();
    }
  });

  it('refuses an app whose "main" matches no file', async () => {
    const unbuilt = path.join(appRoot, 'unbuilt');
    await mkdir(unbuilt);
    await writeFile(path.join(unbuilt, 'package.json'), JSON.stringify({ name: 'unbuilt-app', main: 'dist/functions/*.js' }));
    await expect(
      startHost({ appRoot: unbuilt, port: 0, env: { AzureWebJobsStorage: inject('azuriteConnectionString') }, log: () => {} }),
    ).rejects.toThrow(/No file matches "main"/);
  });
});
