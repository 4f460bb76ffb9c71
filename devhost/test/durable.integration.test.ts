import { randomUUID } from 'node:crypto';
import { QueueServiceClient } from '@azure/storage-queue';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startHost, type RunningHost } from '../host.js';
import { DURABLE_FIXTURES, FIXTURE_APP, fixtureSettings, waitFor } from './helpers.js';

interface InstanceStatus {
  instanceId: string;
  runtimeStatus: string;
  output: unknown;
}

describe('devhost Durable Functions', () => {
  const connectionString = inject('azuriteConnectionString');
  let host: RunningHost;
  let starts: string;

  beforeAll(async () => {
    const settings = fixtureSettings(connectionString, DURABLE_FIXTURES);
    starts = settings.names.starts;
    host = await startHost({ appRoot: FIXTURE_APP, port: 0, env: settings.env, pollIntervalMs: 50, log: () => {} });
  });
  afterAll(() => host?.stop());

  async function finished(statusUrl: string): Promise<InstanceStatus> {
    return waitFor(async () => {
      const response = await fetch(statusUrl);
      if (response.status === 404) return undefined; // not started yet
      const status = (await response.json()) as InstanceStatus;
      return ['Completed', 'Failed'].includes(status.runtimeStatus) ? status : undefined;
    }, 'the orchestration to finish');
  }

  async function start(name: string, input: unknown): Promise<string> {
    const response = await fetch(`${host.url}/api/orchestrators/${name}`, {
      method: 'POST',
      body: JSON.stringify(input),
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(202);
    return ((await response.json()) as { statusQueryGetUri: string }).statusQueryGetUri;
  }

  it('starts an orchestration from an HTTP function with a durable client and runs it to completion', async () => {
    const response = await fetch(`${host.url}/api/orchestrators/doubleTwice`, {
      method: 'POST',
      body: '3',
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(202);
    const { id, statusQueryGetUri } = (await response.json()) as { id: string; statusQueryGetUri: string };
    expect(statusQueryGetUri.startsWith(`${host.url}/runtime/webhooks/durabletask/instances/${id}`)).toBe(true);
    // 3 doubled twice: both activity calls ran.
    expect(await finished(statusQueryGetUri)).toMatchObject({ instanceId: id, runtimeStatus: 'Completed', output: 12 });
  });

  it('starts an orchestration from a queue message, as the product starts its pipeline', async () => {
    const instanceId = randomUUID();
    const queue = QueueServiceClient.fromConnectionString(connectionString).getQueueClient(starts);
    await queue.sendMessage(Buffer.from(JSON.stringify({ instanceId, value: 5 })).toString('base64'));
    const status = await finished(`${host.url}/runtime/webhooks/durabletask/instances/${instanceId}`);
    expect(status).toMatchObject({ runtimeStatus: 'Completed', output: 20 });
  });

  it('runs at most maxConcurrentActivityFunctions (2, from host.json) activities at once', async () => {
    expect(await finished(await start('fanOut', 6))).toMatchObject({ runtimeStatus: 'Completed', output: 2 });
  });

  it('fails the instance that calls an activity no function registered, naming it, as the extension does', async () => {
    const status = await finished(await start('callsMissing', null));
    expect(status.runtimeStatus).toBe('Failed');
    expect(status.output).toMatch(
      /^Orchestrator function 'callsMissing' failed: The function 'noSuchActivity' doesn't exist, is disabled, or is not an activity function\. Additional info: The following are the known activity functions: 'double', 'track'\.$/,
    );
  });
});
