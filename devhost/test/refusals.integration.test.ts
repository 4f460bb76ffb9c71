import { describe, expect, inject, it } from 'vitest';
import { DevhostError } from '../errors.js';
import { startHost } from '../host.js';
import { packageUrl, writeApp } from './helpers.js';

/** What the devhost cannot run as the real host would is refused at start-up, with the function's name and what is unsupported. */

const functionsLibrary = packageUrl('@azure/functions');
const durableLibrary = packageUrl('durable-functions');

async function startWith(source: string, hostJson?: unknown) {
  const app = await writeApp({ hostJson, functions: { 'app.js': source } });
  try {
    const host = await startHost({
      appRoot: app.root,
      port: 0,
      env: { AzureWebJobsStorage: inject('azuriteConnectionString') },
      log: () => {},
    });
    await host.stop();
  } finally {
    await app.remove();
  }
}

describe('devhost refuses what it would otherwise ignore', () => {
  it('refuses a Durable entity (df.app.entity)', async () => {
    const source = `import df from '${durableLibrary}';\ndf.app.entity('counter', (context) => context.df.return(1));`;
    await expect(startWith(source)).rejects.toThrow(
      new DevhostError('Function "counter" is a Durable entity (df.app.entity), which the devhost does not run.'),
    );
  });

  it('refuses triggers and bindings it does not run', async () => {
    const eventGrid = `import functions from '${functionsLibrary}';\nfunctions.app.eventGrid('onEvent', { handler: () => {} });`;
    await expect(startWith(eventGrid)).rejects.toThrow(/Function "onEvent" has a eventGridTrigger, which the devhost does not run/);
    const blobInput = `import functions from '${functionsLibrary}';
      const original = functions.input.storageBlob({ path: 'c/{id}', connection: 'AzureWebJobsStorage' });
      functions.app.http('read', { extraInputs: [original], handler: () => ({}) });`;
    await expect(startWith(blobInput)).rejects.toThrow(/Function "read" has a "blob" in binding "\w+", which the devhost does not run/);
  });

  it('refuses a function retry policy', async () => {
    const source = `import functions from '${functionsLibrary}';
      functions.app.timer('tick', { schedule: '0 */5 * * * *', retry: { strategy: 'fixedDelay', maxRetryCount: 3, delayInterval: 1000 }, handler: () => {} });`;
    await expect(startWith(source)).rejects.toThrow(/Function "tick" declares a retry policy/);
  });

  it('refuses log hooks, which it does not run', async () => {
    const source = `import functions from '${functionsLibrary}';\nfunctions.app.hook.log(() => {});`;
    await expect(startWith(source)).rejects.toThrow(/The devhost does not run "log" hooks/);
  });

  it.each(['0 0 12 L * *', '0 0 9 15W * *', '0 0 9 * * 1#2', '0 0 9 ? * MON', '@daily', '0 0 9 * * 7', '00:05:00'])(
    'refuses the timer schedule "%s", which NCrontab does not parse',
    async (schedule) => {
      // One process keeps every function it ever registered: each app names its timer anew.
      const name = `timer${schedule.replace(/\W/g, '')}`;
      const source = `import functions from '${functionsLibrary}';\nfunctions.app.timer('${name}', { schedule: '${schedule}', handler: () => {} });`;
      await expect(startWith(source)).rejects.toThrow(`Timer ${name}: "${schedule}" is not an NCRONTAB schedule`);
    },
  );

  it('refuses an HTTP authLevel the host does not know', async () => {
    const source = `import functions from '${functionsLibrary}';\nfunctions.app.http('sys', { authLevel: 'system', handler: () => ({}) });`;
    await expect(startWith(source)).rejects.toThrow(/Function "sys" has authLevel "system"/);
  });
});
