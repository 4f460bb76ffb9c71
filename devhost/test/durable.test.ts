import { randomUUID } from 'node:crypto';
import { QueueServiceClient } from '@azure/storage-queue';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startHost, type RunningHost } from '../host.js';
import { FIXTURE_APP, fixtureSettings, waitFor } from './helpers.js';

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
    const settings = fixtureSettings(connectionString, ['double', 'doubleTwice', 'startOrchestration', 'startFromQueue']);
    starts = settings.names.starts;
    host = await startHost({ appRoot: FIXTURE_APP, port: 0, env: settings.env, pollIntervalMs: 50, log: () => {} });
  });
  afterAll(() => host?.stop());

  async function completed(statusUrl: string): Promise<InstanceStatus> {
    return waitFor(async () => {
      const response = await fetch(statusUrl);
      if (response.status === 404) return undefined; // not started yet
      const status = (await response.json()) as InstanceStatus;
      return status.runtimeStatus === 'Completed' ? status : undefined;
    }, 'the orchestration to complete');
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
    expect(await completed(statusQueryGetUri)).toMatchObject({ instanceId: id, output: 12 });
  });

  it('starts an orchestration from a queue message, as the product starts its pipeline', async () => {
    const instanceId = randomUUID();
    const queue = QueueServiceClient.fromConnectionString(connectionString).getQueueClient(starts);
    await queue.sendMessage(Buffer.from(JSON.stringify({ instanceId, value: 5 })).toString('base64'));
    const status = await completed(`${host.url}/runtime/webhooks/durabletask/instances/${instanceId}`);
    expect(status.output).toBe(20);
  });
});
