import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { installFunctionsCore } from '../functionsCore.js';
import { EventType, eventTypeName, type HistoryEvent } from './historyEvents.js';
import {
  durableClientFor,
  startFixtureEngine,
  storedHistory,
  uniqueTaskHub,
  waitFor,
  waitForStatus,
  type EngineServer,
} from './test/harness.js';

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
  ({ host, client } = await startFixtureEngine(connectionString, taskHub));
});

afterAll(async () => {
  await host?.close();
});

describe('durable engine', () => {
  it('finishes an orchestration of activities, a retried activity, a timer and an external event', async () => {
    const instanceId = 'everything-1';
    await client.startNew('everything', { instanceId });
    await waitFor(async () => {
      const fired = (await storedHistory(connectionString, taskHub, instanceId)).filter(
        (event) => event.EventType === EventType.TimerFired,
      );
      return fired.length === 3 ? true : undefined;
    }, 'the two retry timers and the durable timer to fire');
    await client.raiseEvent(instanceId, 'approve', 'yes');
    const status = await waitForStatus(client, instanceId, ['Completed', 'Failed']);
    expect(status).toMatchObject({
      runtimeStatus: 'Completed',
      output: { greeting: 'Hello Lisbon!', flaky: 'succeeded on attempt 3', approval: 'yes' },
    });
    const history = await storedHistory(connectionString, taskHub, instanceId);
    expect(eventNames(history)).toEqual([
      'ExecutionStarted',
      'TaskScheduled',
      'TaskCompleted',
      'TaskScheduled',
      'TaskFailed',
      'TimerCreated',
      'TimerFired',
      'TaskScheduled',
      'TaskFailed',
      'TimerCreated',
      'TimerFired',
      'TaskScheduled',
      'TaskCompleted',
      'TimerCreated',
      'TimerFired',
      'EventRaised',
      'ExecutionCompleted',
    ]);
    const completed = history.at(-2)!;
    expect(completed.EventType === EventType.ExecutionCompleted && JSON.parse(completed.Result ?? 'null')).toEqual(status.output);
  });

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

  it('retries a failing activity by RetryOptions: backoff, capped interval, timers in history', async () => {
    const instanceId = 'retry-1';
    await client.startNew('flakyWithRetry', { instanceId, input: { key: instanceId, failures: 2 } });
    const status = await waitForStatus(client, instanceId, ['Completed', 'Failed']);
    expect(status).toMatchObject({ runtimeStatus: 'Completed', output: 'succeeded on attempt 3' });
    expect(await fixtures.countEffects(instanceId, 'flaky')).toBe(3);

    const history = await storedHistory(connectionString, taskHub, instanceId);
    expect(eventNames(history)).toEqual([
      'ExecutionStarted',
      'TaskScheduled',
      'TaskFailed',
      'TimerCreated',
      'TimerFired',
      'TaskScheduled',
      'TaskFailed',
      'TimerCreated',
      'TimerFired',
      'TaskScheduled',
      'TaskCompleted',
      'ExecutionCompleted',
    ]);
    // Each retry timer fires at the failure episode's time plus first interval × coefficient^attempt, capped.
    const delays = history.flatMap((event, index) => {
      if (event.EventType !== EventType.TimerCreated) return [];
      const episodeStart = history.slice(0, index).findLast((e) => e.EventType === EventType.OrchestratorStarted)!;
      return [Date.parse(event.FireAt) - Date.parse(episodeStart.Timestamp)];
    });
    expect(delays).toEqual([50, 80]);
    const ids = history.flatMap((event) =>
      event.EventType === EventType.TaskScheduled || event.EventType === EventType.TimerCreated ? [event.EventId] : [],
    );
    expect(ids).toEqual([0, 1, 2, 3, 4]);
  });

  it('throws TaskFailed with the activity error in the orchestrator once attempts are exhausted', async () => {
    const instanceId = 'retry-exhausted';
    await client.startNew('exhaustedRetry', { instanceId, input: { key: instanceId, failures: 99 } });
    const status = await waitForStatus(client, instanceId, ['Completed', 'Failed']);
    expect(status.runtimeStatus).toBe('Completed');
    expect((status.output as { caught: string }).caught).toMatch(/^Activity function 'flaky' failed: flaky failure 2 \n /);
    expect(await fixtures.countEffects(instanceId, 'flaky')).toBe(2);
    const history = await storedHistory(connectionString, taskHub, instanceId);
    expect(eventNames(history)).toEqual([
      'ExecutionStarted',
      'TaskScheduled',
      'TaskFailed',
      'TimerCreated',
      'TimerFired',
      'TaskScheduled',
      'TaskFailed',
      'TimerCreated',
      'TimerFired',
      'ExecutionCompleted',
    ]);
    // After the last attempt the extension still records an immediate timer (RetryInterceptor's back-compat timer).
    const lastTimer = history.findLast((event) => event.EventType === EventType.TimerCreated)!;
    const lastEpisode = history.slice(0, history.indexOf(lastTimer)).findLast((e) => e.EventType === EventType.OrchestratorStarted)!;
    expect(lastTimer.EventType === EventType.TimerCreated && lastTimer.FireAt).toBe(lastEpisode.Timestamp);
  });

  it('stops retrying when the retry timeout has passed, as the extension does, and says so', async () => {
    const instanceId = 'retry-timeout';
    await client.startNew('retryTimeout', { instanceId, input: { key: instanceId, failures: 99 } });
    await waitFor(
      async () => host.logs.find((line) => line.includes(instanceId) && line.includes('retry timeout')),
      'the retry timeout warning',
    );
    const history = await storedHistory(connectionString, taskHub, instanceId);
    expect(eventNames(history)).toEqual(['ExecutionStarted', 'TaskScheduled', 'TaskFailed']);
    expect((await client.getStatus(instanceId)).runtimeStatus).toBe('Running');
    expect(await fixtures.countEffects(instanceId, 'flaky')).toBe(1);
    await client.terminate(instanceId, 'stuck by design');
    await waitForStatus(client, instanceId, ['Terminated']);
  });

  it('fires a durable timer at its stored time before continuing', async () => {
    const instanceId = 'timer-1';
    await client.startNew('timerThenGreet', { instanceId, input: { delayMs: 300 } });
    const status = await waitForStatus(client, instanceId, ['Completed', 'Failed']);
    expect(status).toMatchObject({ runtimeStatus: 'Completed', output: 'Hello after the timer!' });
    const history = await storedHistory(connectionString, taskHub, instanceId);
    expect(eventNames(history)).toEqual([
      'ExecutionStarted',
      'TimerCreated',
      'TimerFired',
      'TaskScheduled',
      'TaskCompleted',
      'ExecutionCompleted',
    ]);
    const created = history.find((event) => event.EventType === EventType.TimerCreated)!;
    const fired = history.find((event) => event.EventType === EventType.TimerFired)!;
    const firedEpisode = history.slice(0, history.indexOf(fired)).findLast((e) => e.EventType === EventType.OrchestratorStarted)!;
    expect(created.EventType === EventType.TimerCreated && Date.parse(created.FireAt) - Date.parse(history[0]!.Timestamp)).toBe(300);
    expect(Date.parse(firedEpisode.Timestamp)).toBeGreaterThanOrEqual(
      Date.parse(created.EventType === EventType.TimerCreated ? created.FireAt : ''),
    );
  });

  it('lets an external event win Task.any over a timer, and cancels the timer', async () => {
    const instanceId = 'approval-1';
    await client.startNew('approval', { instanceId, input: { timeoutMs: 60_000 } });
    await waitForStatus(client, instanceId, ['Running']);
    await client.raiseEvent(instanceId, 'approve', { by: 'ada' });
    const status = await waitForStatus(client, instanceId, ['Completed', 'Failed']);
    expect(status).toMatchObject({ runtimeStatus: 'Completed', output: { approvedBy: { by: 'ada' } } });
    const history = await storedHistory(connectionString, taskHub, instanceId);
    expect(eventNames(history)).toEqual(['ExecutionStarted', 'TimerCreated', 'EventRaised', 'ExecutionCompleted']);
  });

  it('lets the timer win Task.any when no event comes', async () => {
    const instanceId = 'approval-timeout';
    await client.startNew('approval', { instanceId, input: { timeoutMs: 200 } });
    const status = await waitForStatus(client, instanceId, ['Completed', 'Failed']);
    expect(status).toMatchObject({ runtimeStatus: 'Completed', output: { timedOut: true } });
  });

  it('keeps an event raised before the orchestrator waits for it', async () => {
    const instanceId = 'buffered-event';
    await client.startNew('gatedThenWait', { instanceId });
    await client.raiseEvent(instanceId, 'data', [1, 2, 3]);
    await waitFor(
      async () =>
        (await storedHistory(connectionString, taskHub, instanceId)).some((event) => event.EventType === EventType.EventRaised)
          ? true
          : undefined,
      'the event to reach the history',
    );
    await fixtures.openGate(instanceId);
    const status = await waitForStatus(client, instanceId, ['Completed', 'Failed']);
    expect(status).toMatchObject({ runtimeStatus: 'Completed', output: { gated: 'gated:1', payload: [1, 2, 3] } });
    const history = await storedHistory(connectionString, taskHub, instanceId);
    expect(eventNames(history)).toEqual(['ExecutionStarted', 'TaskScheduled', 'EventRaised', 'TaskCompleted', 'ExecutionCompleted']);
  });

  it('fans out with Task.all and fans in the results', async () => {
    const instanceId = 'fan-out';
    await client.startNew('fanOut', { instanceId, input: [1, 2, 3, 4, 5, 6] });
    const status = await waitForStatus(client, instanceId, ['Completed', 'Failed']);
    expect(status).toMatchObject({ runtimeStatus: 'Completed', output: 91 });
    const history = await storedHistory(connectionString, taskHub, instanceId);
    const scheduled = history.flatMap((event) => (event.EventType === EventType.TaskScheduled ? [event.EventId] : []));
    expect(scheduled).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it("fails an orchestrator that throws, with the extension's message", async () => {
    const instanceId = 'fails';
    await client.startNew('failsAfterGreeting', { instanceId });
    const status = await waitForStatus(client, instanceId, ['Completed', 'Failed']);
    expect(status).toMatchObject({ runtimeStatus: 'Failed', output: "Orchestrator function 'failsAfterGreeting' failed: kaput" });
  });

  it('detects a replay that branches on Date.now() and fails the instance loudly', async () => {
    const instanceId = 'wall-clock';
    await client.startNew('wallClockBranch', { instanceId });
    await waitFor(
      async () =>
        (await storedHistory(connectionString, taskHub, instanceId)).some((event) => event.EventType === EventType.TaskCompleted)
          ? true
          : undefined,
      'the first activity to complete',
    );
    fixtures.wallClockSwitch.at = Date.now();
    await client.raiseEvent(instanceId, 'continue', null);
    const status = await waitForStatus(client, instanceId, ['Completed', 'Failed']);
    expect(status.runtimeStatus).toBe('Failed');
    expect(status.output).toBe(
      "Non-Deterministic workflow detected: A previous execution of this orchestration scheduled an activity task with sequence number 0 named 'greet', " +
        "but the current orchestration replay instead scheduled an activity task named 'shout' with this sequence number.  " +
        'Was a change made to the orchestrator code after this instance had already started running?',
    );
    expect(host.logs.some((line) => line.includes(instanceId) && line.includes('Non-Deterministic workflow detected'))).toBe(true);
  });
});
