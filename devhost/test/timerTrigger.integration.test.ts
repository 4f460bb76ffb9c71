import { BlobServiceClient } from '@azure/storage-blob';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { startHost, type RunningHost } from '../host.js';
import { FIXTURE_APP, fixtureSettings, logCollector, uniqueName, waitFor } from './helpers.js';

describe('devhost timer triggers', () => {
  const connectionString = inject('azuriteConnectionString');
  const hostContainer = BlobServiceClient.fromConnectionString(connectionString).getContainerClient('azure-webjobs-hosts');
  let host: RunningHost | undefined;
  afterEach(async () => {
    await host?.stop();
    host = undefined;
  });

  it('runs on start-up (runOnStartup) and then on its every-second NCRONTAB schedule, one run at a time', async () => {
    const { env } = fixtureSettings(connectionString, ['everySecond']);
    const logs = logCollector();
    host = await startHost({ appRoot: FIXTURE_APP, port: 0, env, log: logs.log });
    const ticks = () => logs.lines.filter((line) => line.includes('[everySecond]') && line.includes('tick isPastDue=false'));
    await waitFor(() => (ticks().length >= 3 ? true : undefined), 'three ticks');

    const reasons = logs.lines
      .filter((line) => line.includes("Executing 'Functions.everySecond'"))
      .map((line) => /Reason='([^']+)'/.exec(line)![1]!);
    expect(reasons[0]).toMatch(/^Timer fired at start-up \(runOnStartup\)/);
    // Scheduled runs fire on whole seconds.
    for (const reason of reasons.slice(1)) expect(reason).toMatch(/^Timer fired at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
    const executing = logs.lines
      .filter((line) => /Execut(ing|ed) 'Functions.everySecond'/.test(line))
      .map((line) => line.includes('Executing'));
    expect(executing.slice(0, 6)).toEqual([true, false, true, false, true, false]);
  });

  it('runs a monitored schedule at start-up when its last occurrence was missed, with isPastDue, and records the next one', async () => {
    const { env } = fixtureSettings(connectionString, ['hourly']);
    const hostId = uniqueName('timers');
    const status = hostContainer.getBlockBlobClient(`timers/${hostId}/Host.Functions.hourly/status`);
    await hostContainer.createIfNotExists();
    const missed = { Last: '2020-01-01T10:00:00.000Z', Next: '2020-01-01T11:00:00.000Z', LastUpdated: '2020-01-01T10:00:01.000Z' };
    await status.upload(JSON.stringify(missed), JSON.stringify(missed).length);

    const logs = logCollector();
    host = await startHost({ appRoot: FIXTURE_APP, port: 0, env, hostId, log: logs.log });
    await waitFor(
      () => logs.lines.find((line) => line.includes('hourly isPastDue=true next=2020-01-01T11:00:00.000Z')),
      'the past-due run',
    );

    const recorded = await waitFor(async () => {
      const current = JSON.parse((await status.downloadToBuffer()).toString('utf8')) as typeof missed;
      return current.Last === missed.Next ? current : undefined;
    }, 'the updated status');
    expect(new Date(recorded.Next).getTime()).toBeGreaterThan(Date.now());
    expect(new Date(recorded.Next).toISOString()).toMatch(/T\d\d:00:00\.000Z$/);
  });

  it('does not run a monitored schedule at start-up when nothing was missed', async () => {
    const { env } = fixtureSettings(connectionString, ['hourly', 'everySecond']);
    const logs = logCollector();
    host = await startHost({ appRoot: FIXTURE_APP, port: 0, env, hostId: uniqueName('timers'), log: logs.log });
    // By the second tick of the other timer the hourly one would have started, had it been due.
    await waitFor(() => (logs.lines.filter((line) => line.includes('tick isPastDue')).length >= 2 ? true : undefined), 'two ticks');
    expect(logs.lines.some((line) => line.includes('[hourly]'))).toBe(false);
  });
});
