import { QueueServiceClient } from '@azure/storage-queue';
import { afterEach, describe, expect, inject, it, onTestFinished } from 'vitest';
import { startHost, type RunningHost } from '../host.js';
import { nextPollingInterval } from '../triggers/queueTrigger.js';
import { drainQueue, FIXTURE_APP, fixtureSettings, logCollector, packageUrl, uniqueName, waitFor, writeApp } from './helpers.js';

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');

describe('devhost queue triggers', () => {
  const connectionString = inject('azuriteConnectionString');
  const queues = QueueServiceClient.fromConnectionString(connectionString);
  let host: RunningHost | undefined;
  afterEach(async () => {
    await host?.stop();
    host = undefined;
  });

  it('delivers a base64 JSON message parsed, and writes the output binding as base64 JSON', async () => {
    const { env, names } = fixtureSettings(connectionString, ['onJob']);
    host = await startHost({ appRoot: FIXTURE_APP, port: 0, env, pollIntervalMs: 50, log: () => {} });
    await queues.getQueueClient(names.jobs).sendMessage(encode({ id: 'a', value: 21 }));

    const results = queues.getQueueClient(names.results);
    const [result] = await waitFor(async () => {
      const texts = await drainQueue(results);
      return texts.length ? texts : undefined;
    }, 'the output message');
    expect(JSON.parse(result!)).toEqual({ id: 'a', doubled: 42, dequeueCount: 1, encoded: 'object' });
    // Done messages are deleted, not left to reappear.
    expect((await queues.getQueueClient(names.jobs).peekMessages()).peekedMessageItems).toEqual([]);
  });

  it('runs a message its own output binding wrote at once, not at the next poll (the host’s SharedQueueWatcher)', async () => {
    // Polls 10 minutes apart: the second function's only poll is at start-up, before the first function
    // has written anything, so only the wake-up can run its message within the test's time.
    const [first, second] = [uniqueName('first'), uniqueName('second')];
    const app = await writeApp({
      hostJson: { version: '2.0', extensions: { queues: { maxPollingInterval: '00:10:00' } } },
      functions: {
        'chain.js': `import { app, output } from '${packageUrl('@azure/functions')}';
          const next = output.storageQueue({ queueName: '${second}', connection: 'AzureWebJobsStorage' });
          app.storageQueue('first', { queueName: '${first}', connection: 'AzureWebJobsStorage', extraOutputs: [next],
            handler: (message, context) => context.extraOutputs.set(next, { id: message.id }) });
          app.storageQueue('second', { queueName: '${second}', connection: 'AzureWebJobsStorage',
            handler: (message, context) => context.log('second ran ' + message.id) });`,
      },
    });
    onTestFinished(() => app.remove());
    await queues.getQueueClient(first).create();
    await queues.getQueueClient(first).sendMessage(encode({ id: 'chained' }));
    const logs = logCollector();
    host = await startHost({
      appRoot: app.root,
      port: 0,
      env: { AzureWebJobsStorage: connectionString },
      pollIntervalMs: 600_000,
      log: logs.log,
    });

    await waitFor(() => (logs.lines.some((line) => line.includes('second ran chained')) ? true : undefined), 'the chained message');
  });

  it('retries a failing message and moves it to <queue>-poison, unchanged, after maxDequeueCount (5) tries', async () => {
    const { env, names } = fixtureSettings(connectionString, ['onJob']);
    const logs = logCollector();
    host = await startHost({ appRoot: FIXTURE_APP, port: 0, env, pollIntervalMs: 50, log: logs.log });
    const original = encode({ id: 'doomed', fail: true });
    await queues.getQueueClient(names.jobs).sendMessage(original);

    const poison = queues.getQueueClient(`${names.jobs}-poison`);
    const poisoned = await waitFor(async () => {
      if (!(await poison.exists())) return undefined;
      const { peekedMessageItems } = await poison.peekMessages({ numberOfMessages: 32 });
      return peekedMessageItems.length ? peekedMessageItems : undefined;
    }, 'the poison message');
    expect(poisoned.map((message) => message.messageText)).toEqual([original]);

    const tries = logs.lines.filter((line) => line.includes('failing doomed')).map((line) => /dequeueCount=(\d+)/.exec(line)![1]);
    expect(tries).toEqual(['1', '2', '3', '4', '5']);
    expect(logs.lines.some((line) => line.includes(`Moving message to queue '${names.jobs}-poison'`))).toBe(true);
    expect((await queues.getQueueClient(names.jobs).peekMessages()).peekedMessageItems).toEqual([]);
  });

  it('runs at most batchSize (2, from host.json) messages at once, and that many together', async () => {
    const { env, names } = fixtureSettings(connectionString, ['onJob']);
    const jobs = queues.getQueueClient(names.jobs);
    await jobs.create();
    for (const id of ['h1', 'h2', 'h3', 'h4', 'h5']) await jobs.sendMessage(encode({ id, hold: true, value: 1 }));
    const logs = logCollector();
    host = await startHost({ appRoot: FIXTURE_APP, port: 0, env, pollIntervalMs: 50, log: logs.log });

    const results = queues.getQueueClient(names.results);
    const done: string[] = [];
    await waitFor(async () => {
      done.push(...(await drainQueue(results)));
      return done.length === 5 ? true : undefined;
    }, 'five results');
    const concurrency = logs.lines.flatMap((line) => /holding h\d active=(\d+)/.exec(line)?.[1] ?? []).map(Number);
    expect(concurrency).toHaveLength(5);
    expect(Math.max(...concurrency)).toBe(2);
  });

  it('keeps a message hidden while its handler runs past the lease, so that no other instance gets it too', async () => {
    const { env, names } = fixtureSettings(connectionString, ['onJob']);
    const logs = logCollector();
    // Two instances on one queue, a 1 s lease (the host's is 10 minutes) and a handler of 3.5 s: unrenewed,
    // the message would reappear while it runs, and the idle instance would run it again.
    const options = { appRoot: FIXTURE_APP, port: 0, env, pollIntervalMs: 50, queueLeaseMs: 1_000, log: logs.log };
    host = await startHost(options);
    const second = await startHost(options);
    onTestFinished(() => second.stop());
    await queues.getQueueClient(names.jobs).sendMessage(encode({ id: 'long', hold: true, holdMs: 3_500, value: 2 }));

    const results = queues.getQueueClient(names.results);
    const done = await waitFor(async () => {
      const texts = await drainQueue(results);
      return texts.length ? texts : undefined;
    }, 'the result');
    expect(done.map((text) => JSON.parse(text))).toEqual([{ id: 'long', doubled: 4, dequeueCount: 1, encoded: 'object' }]);
    expect(logs.lines.filter((line) => line.includes('holding long'))).toHaveLength(1);
    expect((await queues.getQueueClient(names.jobs).peekMessages()).peekedMessageItems).toEqual([]);
  });

  it('polls an empty queue less and less often, up to maxPollingInterval, and at once again after a message', () => {
    expect(nextPollingInterval(50, false, 50, 200)).toBe(100);
    expect(nextPollingInterval(100, false, 50, 200)).toBe(200);
    expect(nextPollingInterval(200, false, 50, 200)).toBe(200);
    expect(nextPollingInterval(200, true, 50, 200)).toBe(50);
  });

  it('leaves a message that is not base64 untouched by the handler and poisons it', async () => {
    const { env, names } = fixtureSettings(connectionString, ['onJob']);
    const logs = logCollector();
    host = await startHost({ appRoot: FIXTURE_APP, port: 0, env, pollIntervalMs: 50, log: logs.log });
    await queues.getQueueClient(names.jobs).sendMessage('{"plain": "json"}');
    const poison = queues.getQueueClient(`${names.jobs}-poison`);
    const poisoned = await waitFor(async () => {
      if (!(await poison.exists())) return undefined;
      const { peekedMessageItems } = await poison.peekMessages();
      return peekedMessageItems[0];
    }, 'the poison message');
    expect(poisoned.messageText).toBe('{"plain": "json"}');
    expect(logs.lines.some((line) => line.includes("Executing 'Functions.onJob'"))).toBe(false);
  });
});
