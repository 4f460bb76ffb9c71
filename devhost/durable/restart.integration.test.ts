import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { installFunctionsCore } from '../functionsCore.js';
import { EventType, eventTypeName } from './historyEvents.js';
import { durableClientFor, storedHistory, uniqueTaskHub, waitFor, waitForStatus } from './test/harness.js';

installFunctionsCore();
const fixtures = await import('./test/fixtures.js');

const connectionString = inject('azuriteConnectionString');
const taskHub = uniqueTaskHub('Restart');
const effectsTable = `${taskHub}Effects`;
const repositoryRoot = path.resolve(import.meta.dirname, '../..');
const running = new Set<ChildProcess>();

interface EngineProcess {
  child: ChildProcess;
  client: ReturnType<typeof durableClientFor>;
  stderr: string[];
}

/** The devhost's engine in its own process, on the same storage each time. */
async function startEngineProcess(options: { maxActivities?: number } = {}): Promise<EngineProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'devhost/durable/test/engineProcess.ts'], {
    cwd: repositoryRoot,
    env: {
      ...process.env,
      DURABLE_TEST_STORAGE: connectionString,
      DURABLE_TEST_TASK_HUB: taskHub,
      DURABLE_TEST_EFFECTS_TABLE: effectsTable,
      DURABLE_TEST_MAX_ACTIVITIES: String(options.maxActivities ?? 4),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const stderr: string[] = [];
  createInterface({ input: child.stderr }).on('line', (line) => stderr.push(line));
  const lines = createInterface({ input: child.stdout });
  const ready = await new Promise<string>((resolve, reject) => {
    lines.on('line', (line) => line.startsWith('READY ') && resolve(line.slice('READY '.length)));
    child.once('exit', (code) => reject(new Error(`engine process exited with ${code} before it was ready:\n${stderr.join('\n')}`)));
  });
  return { child, client: durableClientFor(JSON.parse(ready)), stderr };
}

async function kill(engine: EngineProcess): Promise<void> {
  const exited = once(engine.child, 'exit');
  engine.child.kill('SIGKILL');
  await exited;
  running.delete(engine.child);
}

beforeAll(async () => {
  await fixtures.useFixtureEffects(connectionString, effectsTable);
});

afterEach(async () => {
  for (const child of running) {
    child.kill('SIGKILL');
    await once(child, 'exit');
  }
  running.clear();
});

describe('durable engine across a killed devhost', () => {
  it('resumes a killed orchestration from storage without re-running completed activities', { timeout: 60_000 }, async () => {
    const instanceId = 'steps-1';
    const history = () => storedHistory(connectionString, taskHub, instanceId);

    // First life: the first step completes and the durable timer is created, then the process dies.
    const first = await startEngineProcess();
    await first.client.startNew('durableSteps', { instanceId, input: { timerMs: 1_500 } });
    await waitFor(
      async () => ((await history()).some((event) => event.EventType === EventType.TimerCreated) ? true : undefined),
      'the timer to be created',
    );
    await kill(first);

    // Second life: the stored timer fires, the gated step starts and is cut off mid-run.
    const second = await startEngineProcess();
    await waitFor(async () => ((await fixtures.countEffects(instanceId, 'gated')) === 1 ? true : undefined), 'the gated step to start');
    expect((await history()).some((event) => event.EventType === EventType.TimerFired)).toBe(true);
    await kill(second);

    // Third life: the interrupted step runs again, the rest completes.
    await fixtures.openGate(instanceId);
    const third = await startEngineProcess();
    const status = await waitForStatus(third.client, instanceId, ['Completed', 'Failed'], 20_000);
    expect(status, third.stderr.join('\n')).toMatchObject({ runtimeStatus: 'Completed', output: ['first:1', 'gated:2', 'last:1'] });

    expect(await fixtures.countEffects(instanceId, 'first')).toBe(1);
    expect(await fixtures.countEffects(instanceId, 'gated')).toBe(2);
    expect(await fixtures.countEffects(instanceId, 'last')).toBe(1);
    const names = (await history())
      .filter((event) => event.EventType !== EventType.OrchestratorStarted && event.EventType !== EventType.OrchestratorCompleted)
      .map((event) => eventTypeName(event.EventType));
    expect(names).toEqual([
      'ExecutionStarted',
      'TaskScheduled',
      'TaskCompleted',
      'TimerCreated',
      'TimerFired',
      'TaskScheduled',
      'TaskCompleted',
      'TaskScheduled',
      'TaskCompleted',
      'ExecutionCompleted',
    ]);
  });

  it('finishes an instance whose host was killed right after startNew', { timeout: 60_000 }, async () => {
    const instanceId = 'started-then-killed';
    const first = await startEngineProcess();
    await first.client.startNew('greetingSequence', { instanceId, input: ['Oslo', 'Quito'] });
    await kill(first);

    const second = await startEngineProcess();
    const status = await waitForStatus(second.client, instanceId, ['Completed', 'Failed'], 20_000);
    expect(status, second.stderr.join('\n')).toMatchObject({ runtimeStatus: 'Completed', output: ['Hello Oslo!', 'Hello Quito!'] });
    const history = await storedHistory(connectionString, taskHub, instanceId);
    expect(history.filter((event) => event.EventType === EventType.ExecutionStarted)).toHaveLength(1);
  });

  it('runs the activities of a fan-out still queued when the host was killed, and again the one cut off', { timeout: 60_000 }, async () => {
    const instanceId = 'fan-out-killed';
    // One activity at a time: the first runs (and waits at its gate), the three others wait in the queue.
    const first = await startEngineProcess({ maxActivities: 1 });
    await first.client.startNew('gatedFanOut', { instanceId, input: 4 });
    await waitFor(async () => ((await fixtures.countEffects(instanceId, 'step0')) === 1 ? true : undefined), 'the first step to start');
    expect(await Promise.all(['step1', 'step2', 'step3'].map((step) => fixtures.countEffects(instanceId, step)))).toEqual([0, 0, 0]);
    await kill(first);

    await fixtures.openGate(instanceId);
    const second = await startEngineProcess({ maxActivities: 1 });
    const status = await waitForStatus(second.client, instanceId, ['Completed', 'Failed'], 20_000);
    expect(status, second.stderr.join('\n')).toMatchObject({
      runtimeStatus: 'Completed',
      output: ['step0:2', 'step1:1', 'step2:1', 'step3:1'],
    });
    const history = await storedHistory(connectionString, taskHub, instanceId);
    expect(history.filter((event) => event.EventType === EventType.TaskScheduled)).toHaveLength(4);
    expect(history.filter((event) => event.EventType === EventType.TaskCompleted)).toHaveLength(4);
  });

  it('fires a retry timer that was waiting when the host was killed, and retries once', { timeout: 60_000 }, async () => {
    const instanceId = 'retry-timer-killed';
    const history = () => storedHistory(connectionString, taskHub, instanceId);
    const first = await startEngineProcess();
    await first.client.startNew('slowRetry', { instanceId });
    await waitFor(
      async () => ((await history()).some((event) => event.EventType === EventType.TimerCreated) ? true : undefined),
      'the retry timer to be created',
    );
    expect(await fixtures.countEffects(instanceId, 'flaky')).toBe(1);
    await kill(first);

    const second = await startEngineProcess();
    const status = await waitForStatus(second.client, instanceId, ['Completed', 'Failed'], 20_000);
    expect(status, second.stderr.join('\n')).toMatchObject({ runtimeStatus: 'Completed', output: 'succeeded on attempt 2' });
    expect(await fixtures.countEffects(instanceId, 'flaky')).toBe(2);
    const names = (await history()).map((event) => eventTypeName(event.EventType));
    expect(names.filter((name) => name === 'TimerCreated')).toHaveLength(1);
    expect(names.filter((name) => name === 'TimerFired')).toHaveLength(1);
  });
});
