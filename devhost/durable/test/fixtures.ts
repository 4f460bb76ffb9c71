import { randomUUID } from 'node:crypto';
import { RestError, TableClient, odata } from '@azure/data-tables';
import * as df from 'durable-functions';

/**
 * Orchestrations and activities the engine tests drive. Import this only after
 * `installFunctionsCore()`. Activities count their executions as rows in an Azure Table, so counts
 * survive a killed process.
 */

let effects: TableClient | undefined;

export async function useFixtureEffects(connectionString: string, tableName: string): Promise<void> {
  effects = TableClient.fromConnectionString(connectionString, tableName, { allowInsecureConnection: true });
  await effects.createTable().catch((error: unknown) => {
    if (!(error instanceof RestError && error.statusCode === 409)) throw error;
  });
}

function effectsTable(): TableClient {
  if (!effects) throw new Error('Call useFixtureEffects() before running fixture activities.');
  return effects;
}

export async function countEffects(partition: string, kind: string): Promise<number> {
  let count = 0;
  const filter = odata`PartitionKey eq ${partition} and RowKey ge ${`${kind}-`} and RowKey lt ${`${kind}.`}`;
  for await (const _ of effectsTable().listEntities({ queryOptions: { filter, select: ['RowKey'] } })) count++;
  return count;
}

/** Records one execution of `kind` and returns how many there have been, this one included. */
async function recordEffect(partition: string, kind: string): Promise<number> {
  await effectsTable().createEntity({ partitionKey: partition, rowKey: `${kind}-${randomUUID()}` });
  return countEffects(partition, kind);
}

export async function openGate(partition: string): Promise<void> {
  await effectsTable().upsertEntity({ partitionKey: partition, rowKey: 'gate' });
}

async function waitForGate(partition: string): Promise<void> {
  for (let waited = 0; waited < 30_000; waited += 50) {
    try {
      await effectsTable().getEntity(partition, 'gate');
      return;
    } catch (error) {
      if (!(error instanceof RestError && error.statusCode === 404)) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`The gate of ${partition} never opened.`);
}

/** Moved by a test to make `wallClockBranch` take the other branch on its next replay. */
export const wallClockSwitch = { at: Number.MAX_SAFE_INTEGER };

interface FlakyInput {
  key: string;
  failures: number;
}

export function registerFixtures(): void {
  df.app.activity('greet', { handler: (city: string) => `Hello ${city}!` });
  df.app.activity('shout', { handler: (text: string) => text.toUpperCase() });
  df.app.activity('square', { handler: (n: number) => n * n });
  df.app.activity('flaky', {
    handler: async ({ key, failures }: FlakyInput) => {
      const attempt = await recordEffect(key, 'flaky');
      if (attempt <= failures) throw new Error(`flaky failure ${attempt}`);
      return `succeeded on attempt ${attempt}`;
    },
  });
  df.app.activity('recordStep', {
    handler: async ({ key, step }: { key: string; step: string }) => `${step}:${await recordEffect(key, step)}`,
  });
  df.app.activity('gatedStep', {
    handler: async ({ key, step = 'gated' }: { key: string; step?: string }) => {
      const run = await recordEffect(key, step);
      await waitForGate(key);
      return `${step}:${run}`;
    },
  });

  df.app.orchestration('greetingSequence', function* (context) {
    const greetings: string[] = [];
    for (const city of context.df.getInput<string[]>()) {
      context.df.setCustomStatus({ greeting: city });
      greetings.push(yield context.df.callActivity('greet', city));
    }
    return greetings;
  });

  df.app.orchestration('flakyWithRetry', function* (context) {
    const retry = new df.RetryOptions(50, 4);
    retry.backoffCoefficient = 2;
    retry.maxRetryIntervalInMilliseconds = 80;
    return yield context.df.callActivityWithRetry('flaky', retry, context.df.getInput<FlakyInput>());
  });

  df.app.orchestration('exhaustedRetry', function* (context) {
    try {
      return yield context.df.callActivityWithRetry('flaky', new df.RetryOptions(30, 2), context.df.getInput<FlakyInput>());
    } catch (error) {
      return { caught: (error as Error).message };
    }
  });

  df.app.orchestration('retryTimeout', function* (context) {
    const retry = new df.RetryOptions(50, 5);
    retry.retryTimeoutInMilliseconds = 1;
    return yield context.df.callActivityWithRetry('flaky', retry, context.df.getInput<FlakyInput>());
  });

  df.app.orchestration('timerThenGreet', function* (context) {
    const { delayMs } = context.df.getInput<{ delayMs: number }>();
    yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + delayMs));
    return yield context.df.callActivity('greet', 'after the timer');
  });

  df.app.orchestration('approval', function* (context) {
    const { timeoutMs } = context.df.getInput<{ timeoutMs: number }>();
    const approval = context.df.waitForExternalEvent('approve');
    const deadline = context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + timeoutMs));
    const winner = yield context.df.Task.any([approval, deadline]);
    if (winner === approval) {
      deadline.cancel();
      return { approvedBy: approval.result };
    }
    return { timedOut: true };
  });

  df.app.orchestration('gatedThenWait', function* (context) {
    const gated: string = yield context.df.callActivity('gatedStep', { key: context.df.instanceId });
    const payload: unknown = yield context.df.waitForExternalEvent('data');
    return { gated, payload };
  });

  df.app.orchestration('fanOut', function* (context) {
    const squares: number[] = yield context.df.Task.all(context.df.getInput<number[]>().map((n) => context.df.callActivity('square', n)));
    return squares.reduce((sum, square) => sum + square, 0);
  });

  df.app.orchestration('wallClockBranch', function* (context) {
    // Deliberately non-deterministic: the branch depends on the wall clock, not on context.df.currentUtcDateTime.
    const first: string = yield context.df.callActivity(Date.now() < wallClockSwitch.at ? 'greet' : 'shout', 'branch');
    yield context.df.waitForExternalEvent('continue');
    return first;
  });

  df.app.orchestration('failsAfterGreeting', function* (context) {
    yield context.df.callActivity('greet', 'doomed');
    throw new Error('kaput');
  });

  df.app.orchestration('everything', function* (context) {
    const key = context.df.instanceId;
    const greeting: string = yield context.df.callActivity('greet', 'Lisbon');
    const retry = new df.RetryOptions(40, 3);
    retry.backoffCoefficient = 1.5;
    const flaky: string = yield context.df.callActivityWithRetry('flaky', retry, { key, failures: 2 });
    yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 150));
    const approval: unknown = yield context.df.waitForExternalEvent('approve');
    return { greeting, flaky, approval };
  });

  df.app.orchestration('gatedFanOut', function* (context) {
    const key = context.df.instanceId;
    const steps = Array.from({ length: context.df.getInput<number>() }, (_, n) => `step${n}`);
    return yield context.df.Task.all(steps.map((step) => context.df.callActivity('gatedStep', { key, step })));
  });

  df.app.orchestration('slowRetry', function* (context) {
    // A retry timer long enough to kill the host while it waits.
    return yield context.df.callActivityWithRetry('flaky', new df.RetryOptions(1_500, 3), { key: context.df.instanceId, failures: 1 });
  });

  df.app.orchestration('durableSteps', function* (context) {
    const key = context.df.instanceId;
    const first: string = yield context.df.callActivity('recordStep', { key, step: 'first' });
    yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + context.df.getInput<{ timerMs: number }>().timerMs));
    const gated: string = yield context.df.callActivity('gatedStep', { key });
    const last: string = yield context.df.callActivity('recordStep', { key, step: 'last' });
    return [first, gated, last];
  });
}
