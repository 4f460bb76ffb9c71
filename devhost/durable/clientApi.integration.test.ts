import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { installFunctionsCore } from '../functionsCore.js';
import { EventType } from './historyEvents.js';
import { durableClientFor, startFixtureEngine, storedHistory, uniqueTaskHub, waitForStatus, type EngineServer } from './test/harness.js';

installFunctionsCore();

const connectionString = inject('azuriteConnectionString');
const taskHub = uniqueTaskHub('Client');
let host: EngineServer;
let client: ReturnType<typeof durableClientFor>;

function instanceUrl(instanceId: string, query = ''): string {
  return `${host.baseUrl}/runtime/webhooks/durabletask/instances/${instanceId}${query}`;
}

beforeAll(async () => {
  ({ host, client } = await startFixtureEngine(connectionString, taskHub));
});

afterAll(async () => {
  await host?.close();
});

describe('durable client API', () => {
  it('refuses startNew for an instance id that is still running, as the extension does', async () => {
    await client.startNew('approval', { instanceId: 'busy', input: { timeoutMs: 60_000 } });
    await waitForStatus(client, 'busy', ['Running']);
    await expect(client.startNew('approval', { instanceId: 'busy', input: { timeoutMs: 1 } })).rejects.toThrow(
      /unexpected status code: 500\..*An Orchestration instance with the status Running already exists\./,
    );
    const raw = await fetch(`${host.baseUrl}/runtime/webhooks/durabletask/orchestrators/approval/busy`, { method: 'POST', body: '{}' });
    expect(raw.status).toBe(500);
    expect(await raw.json()).toEqual({
      Message: 'Something went wrong while processing your request',
      ExceptionMessage: 'An Orchestration instance with the status Running already exists.',
      ExceptionType: 'System.InvalidOperationException',
    });
    await client.terminate('busy', 'done with it');
  });

  it('starts a finished instance id afresh', async () => {
    await client.startNew('greetingSequence', { instanceId: 'again', input: ['Oslo'] });
    await waitForStatus(client, 'again', ['Completed']);
    await client.startNew('greetingSequence', { instanceId: 'again', input: ['Bergen', 'Tromsø'] });
    const status = await waitForStatus(client, 'again', ['Completed']);
    expect(status.output).toEqual(['Hello Bergen!', 'Hello Tromsø!']);
    const history = await storedHistory(connectionString, taskHub, 'again');
    expect(history.filter((event) => event.EventType === EventType.ExecutionStarted)).toHaveLength(1);
  });

  it('answers status with 202 and a Location while running, and shows a condensed history on request', async () => {
    await client.startNew('approval', { instanceId: 'watched', input: { timeoutMs: 60_000 } });
    await waitForStatus(client, 'watched', ['Running']);
    const running = await fetch(instanceUrl('watched'));
    expect(running.status).toBe(202);
    expect(running.headers.get('location')).toBe(instanceUrl('watched'));
    expect(running.headers.get('retry-after')).toBe('5');

    await client.raiseEvent('watched', 'approve', 'grace');
    await waitForStatus(client, 'watched', ['Completed']);
    const done = await fetch(instanceUrl('watched', '?showHistory=true&showHistoryOutput=true'));
    expect(done.status).toBe(200);
    const body = (await done.json()) as { historyEvents: Record<string, unknown>[]; output: unknown; input: unknown };
    expect(body.output).toEqual({ approvedBy: 'grace' });
    expect(body.input).toEqual({ timeoutMs: 60_000 });
    expect(body.historyEvents.map((event) => event['EventType'])).toEqual([
      'ExecutionStarted',
      'TimerCreated',
      'EventRaised',
      'ExecutionCompleted',
    ]);
    expect(body.historyEvents[0]).toMatchObject({ FunctionName: 'approval', Input: '{"timeoutMs":60000}' });
    expect(body.historyEvents[2]).toMatchObject({ Name: 'approve', Input: '"grace"' });
    expect(body.historyEvents[3]).toMatchObject({ OrchestrationStatus: 'Completed', Result: { approvedBy: 'grace' } });
  });

  it('shows completed activities with their names, inputs and results', async () => {
    await client.startNew('greetingSequence', { instanceId: 'shown', input: ['Rome'] });
    await waitForStatus(client, 'shown', ['Completed']);
    const body = (await (await fetch(instanceUrl('shown', '?showHistory=true&showHistoryOutput=true'))).json()) as {
      historyEvents: Record<string, unknown>[];
    };
    expect(body.historyEvents.map((event) => event['EventType'])).toEqual(['ExecutionStarted', 'TaskCompleted', 'ExecutionCompleted']);
    expect(body.historyEvents[1]).toMatchObject({ FunctionName: 'greet', Input: '["\\"Rome\\""]', Result: 'Hello Rome!' });
    expect(body.historyEvents[1]).toHaveProperty('ScheduledTime');
  });

  it('terminates a running instance; later events and terminations are gone quietly', async () => {
    await client.startNew('approval', { instanceId: 'doomed', input: { timeoutMs: 60_000 } });
    await waitForStatus(client, 'doomed', ['Running']);
    await client.terminate('doomed', 'no longer needed');
    const status = await waitForStatus(client, 'doomed', ['Terminated']);
    expect(status.output).toBe('no longer needed');
    await expect(client.raiseEvent('doomed', 'approve', 'late')).resolves.toBeUndefined();
    await expect(client.terminate('doomed', 'again')).resolves.toBeUndefined();
    expect(
      (
        await fetch(instanceUrl('doomed/raiseEvent/approve'), {
          method: 'POST',
          body: '1',
          headers: { 'Content-Type': 'application/json' },
        })
      ).status,
    ).toBe(410);
    const terminated = await client.getStatusBy({
      runtimeStatus: [(await import('durable-functions')).OrchestrationRuntimeStatus.Terminated],
    });
    expect(terminated.map((instance) => instance.instanceId)).toContain('doomed');
  });

  it('purges an instance and its history', async () => {
    await client.startNew('greetingSequence', { instanceId: 'purged', input: ['Kyiv'] });
    await waitForStatus(client, 'purged', ['Completed']);
    expect(await client.purgeInstanceHistory('purged')).toEqual({ instancesDeleted: 1 });
    await expect(client.getStatus('purged')).rejects.toThrow(/HTTP 404/);
    expect(await storedHistory(connectionString, taskHub, 'purged')).toEqual([]);
    expect((await client.purgeInstanceHistory('purged')).instancesDeleted).toBe(0);
  });

  it('reports unknown instances and orchestrators the way the extension does', async () => {
    await expect(client.getStatus('nobody')).rejects.toThrow(/HTTP 404/);
    await expect(client.raiseEvent('nobody', 'approve', 1)).rejects.toThrow("No instance with ID 'nobody' found.");
    await expect(client.terminate('nobody', 'why')).rejects.toThrow("No instance with ID 'nobody' found.");
    await expect(client.startNew('noSuchOrchestrator', { instanceId: 'x' })).rejects.toThrow(
      /unexpected status code: 400\..*The function 'noSuchOrchestrator' doesn't exist, is disabled, or is not an orchestrator function\./,
    );
    await expect(client.startNew('greetingSequence', { instanceId: '@odd', input: [] })).rejects.toThrow(/status code: 400/);
  });
});
