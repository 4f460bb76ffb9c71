import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import functions from '@azure/functions';
import * as df from 'durable-functions';
import { getRegistrations, type FunctionRegistration } from '../../functionsCore.js';
import { createDurableEngine, type DurableEngine } from '../engine.js';
import { DurableStore } from '../store.js';

/** Serves an engine on a local port and gives tests the real durable client for it. */

export interface EngineServer {
  engine: DurableEngine;
  baseUrl: string;
  logs: string[];
  close(): Promise<void>;
}

export function uniqueTaskHub(prefix: string): string {
  return `${prefix}${randomUUID().replaceAll('-', '').slice(0, 12)}`;
}

/** An HTTP server that lets the engine answer first, as a host would. */
export async function serveEngine(
  createEngine: (baseUrl: string) => DurableEngine,
): Promise<{ server: Server; baseUrl: string; engine: DurableEngine }> {
  let engine: DurableEngine | undefined;
  const server = createServer((request, response) => {
    engine!.handleRequest(request, response).then(
      (handled) => {
        if (!handled) response.writeHead(404).end();
      },
      (error: unknown) => response.writeHead(500).end(String(error)),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  engine = createEngine(baseUrl);
  return { server, baseUrl, engine };
}

async function startEngineServer(options: {
  registrations: readonly FunctionRegistration[];
  connectionString: string;
  taskHub: string;
}): Promise<EngineServer> {
  const logs: string[] = [];
  const { server, baseUrl, engine } = await serveEngine((url) =>
    createDurableEngine({
      registrations: options.registrations,
      storageConnectionString: options.connectionString,
      taskHub: options.taskHub,
      baseUrl: url,
      log: (line) => logs.push(line),
      // Enough for the fan-out fixtures, gentle on shared CPUs.
      maxConcurrentActivityFunctions: 4,
      maxConcurrentOrchestratorFunctions: 4,
    }),
  );
  await engine.start();
  return {
    engine,
    baseUrl,
    logs,
    async close() {
      await engine.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * The fixture orchestrations (registered on first call; functionsCore must be installed) served by an
 * engine on its own task hub, with the real durable client for it.
 */
export async function startFixtureEngine(connectionString: string, taskHub: string) {
  const fixtures = await import('./fixtures.js');
  await fixtures.useFixtureEffects(connectionString, `${taskHub}Effects`);
  fixtures.registerFixtures();
  const host = await startEngineServer({ registrations: getRegistrations(), connectionString, taskHub });
  return { host, client: durableClientFor(host.engine.clientInput()) };
}

/** `df.getClient` on a context whose durableClient input carries the engine's client input, as the host provides it. */
export function durableClientFor(clientInput: unknown): df.DurableClient {
  const binding = { name: 'starter', type: 'durableClient' };
  const context = new functions.InvocationContext({
    functionName: 'testStarter',
    options: { trigger: { name: 'request', type: 'httpTrigger' }, extraInputs: [binding], extraOutputs: [] },
  });
  context.extraInputs.set(binding, clientInput);
  return df.getClient(context);
}

export async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 40));
  }
}

export function waitForStatus(client: df.DurableClient, instanceId: string, statuses: readonly string[], timeoutMs?: number) {
  return waitFor(
    async () => {
      const status = await client.getStatus(instanceId).catch(() => undefined);
      return status && statuses.includes(status.runtimeStatus) ? status : undefined;
    },
    `${instanceId} to be ${statuses.join(' or ')}`,
    timeoutMs,
  );
}

export async function storedHistory(connectionString: string, taskHub: string, instanceId: string) {
  const store = await DurableStore.open(connectionString, taskHub);
  return (await store.readSnapshot(instanceId)).history;
}
