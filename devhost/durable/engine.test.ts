import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { getRegistrations, installFunctionsCore } from '../functionsCore.js';
import { EventType, eventTypeName, type HistoryEvent } from './historyEvents.js';
import { durableClientFor, startEngineServer, storedHistory, uniqueTaskHub, waitFor, waitForStatus, type EngineServer } from './test/harness.js';

installFunctionsCore();
const fixtures = await import('./test/fixtures.js');

const connectionString = inject('azuriteConnectionString');
const taskHub = uniqueTaskHub('Engine');
let host: EngineServer;
let client: ReturnType<typeof durableClientFor>;

function eventNames(history: readonly HistoryEvent[]): string[] {
  return history
    .filter((event) => event.EventType !== EventType.OrchestratorStarted && event.EventType !== EventType.OrchestratorCompleted)
    .map((event) => eventTypeName(event.EventType));
}

beforeAll(async () => {
  await fixtures.useFixtureEffects(connectionString, `${taskHub}Effects`);
  fixtures.registerFixtures();
  host = await startEngineServer({ registrations: getRegistrations(), connectionString, taskHub });
  client = durableClientFor(host.engine.clientInput());
});

afterAll(async () => {
  await host?.close();
});

describe('durable engine', () => {
  it('runs activities in sequence and reports input, output, custom status and times', async () => {
    const instanceId = await client.startNew('greetingSequence', { instanceId: 'sequence-1', input: ['Tokyo', 'Seattle', 'London'] });
    expect(instanceId).toBe('sequence-1');
    const status = await waitForStatus(client, instanceId, ['Completed', 'Failed']);
    expect(status).toMatchObject({ runtimeStatus: 'Completed', output: ['Hello Tokyo!', 'Hello Seattle!', 'Hello London!'] });
    expect(status.input).toEqual(['Tokyo', 'Seattle', 'London']);
    expect(status.customStatus).toEqual({ greeting: 'London' });
    expect(status.name).toBe('greetingSequence');
    expect(status.lastUpdatedTime.getTime()).toBeGreaterThanOrEqual(status.createdTime.getTime());

    const history = await storedHistory(connectionString, taskHub, instanceId);
    expect(eventNames(history)).toEqual([
      'ExecutionStarted',
      'TaskScheduled',
      'TaskCompleted',
      'TaskScheduled',
      'TaskCompleted',
      'TaskScheduled',
      'TaskCompleted',
      'ExecutionCompleted',
    ]);
  });
});
