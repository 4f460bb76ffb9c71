import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createDurableEngine, type DurableEngine } from './durable/engine.js';
import { DevhostError } from './errors.js';
import { assertRunnable, hasDurableClientInput, isDisabled, isDurableFunction, triggerOf } from './functionBindings.js';
import type { FunctionRegistration } from './functionsCore.js';
import { readHostSettings, readLocalSettings } from './hostSettings.js';
import { CorsPolicy } from './http/cors.js';
import { createHttpListener, toHttpRoutes, type HttpRoute, type RequestHandler } from './http/httpServer.js';
import { Invoker } from './invocation.js';
import { findEntryFiles, loadApp } from './loadApp.js';
import { timestamped, type LogSink } from './log.js';
import { QueueOutput } from './queueOutput.js';
import { StorageClients } from './storageClients.js';
import { createTriggerListeners, type TriggerListener } from './triggers/triggerListeners.js';

/**
 * Starts a function app the way the Functions host does, on local parts: the app's compiled files are
 * imported (package.json "main"), their registrations served — HTTP on Node's http server, blob,
 * queue and timer triggers on Azurite, orchestrations and activities by the Durable engine.
 */

export interface StartHostOptions {
  /** The folder with the app's package.json (and optional host.json, local.settings.json). */
  appRoot: string;
  /** 0 picks a free port; default `Host.LocalHttpPort` from local.settings.json, else 7071. */
  port?: number;
  /** Interface to listen on; default 127.0.0.1. */
  listenHost?: string;
  /** App settings, applied to process.env before the app loads; they win over local.settings.json. */
  env?: Readonly<Record<string, string>>;
  /** The host's own storage (receipts, timer status, Durable task hub); default the AzureWebJobsStorage setting. */
  storageConnectionString?: string;
  /** Names this host in its storage records; default the app's package name. */
  hostId?: string;
  /** Browser origins allowed to call the HTTP functions, added to local.settings.json `Host.CORS`. */
  corsOrigins?: readonly string[];
  /** Serves what no function route matches (the local gallery page); resolves false to leave it to the 404. */
  fallback?: RequestHandler;
  /** How often blob containers and queues are polled; default 500 ms. */
  pollIntervalMs?: number;
  log?: LogSink;
}

export interface RunningHost {
  url: string;
  port: number;
  registrations: readonly FunctionRegistration[];
  stop(): Promise<void>;
}

/** local.settings.json fills what the environment leaves unset; explicit `env` overrides both. */
function applyAppSettings(appRoot: string, env: Readonly<Record<string, string>> = {}) {
  const local = readLocalSettings(appRoot);
  for (const [name, value] of Object.entries(local.values)) process.env[name] ??= value;
  Object.assign(process.env, env);
  return local;
}

function packageName(appRoot: string): string {
  const { name } = JSON.parse(readFileSync(path.join(appRoot, 'package.json'), 'utf8')) as { name?: string };
  return (name ?? 'devhost')
    .replace(/[^a-z0-9-]/gi, '-')
    .toLowerCase()
    .slice(0, 32);
}

function describeFunction(registration: FunctionRegistration, routes: readonly HttpRoute[], prefix: string, url: string): string {
  const route = routes.find((candidate) => candidate.registration === registration);
  if (!route) return `  ${registration.name}: ${triggerOf(registration).binding.type}`;
  const methods = route.methods.size > 0 ? [...route.methods].join(',') : 'ALL';
  return `  ${registration.name}: [${methods}] ${url}${prefix ? `/${prefix}` : ''}/${route.template.template.replace(/^\//, '')}`;
}

export async function startHost(options: StartHostOptions): Promise<RunningHost> {
  const appRoot = path.resolve(options.appRoot);
  const log = options.log ?? ((line: string) => console.log(line));
  const hostSettings = readHostSettings(appRoot);
  const localSettings = applyAppSettings(appRoot, options.env);
  const storageConnectionString = options.storageConnectionString ?? process.env.AzureWebJobsStorage;
  if (!storageConnectionString) throw new DevhostError('No host storage: set AzureWebJobsStorage or pass storageConnectionString.');
  process.env.AzureWebJobsStorage = storageConnectionString;

  const registrations = (await loadApp(findEntryFiles(appRoot))).filter((registration) => !isDisabled(registration, process.env));
  registrations.forEach(assertRunnable);
  for (const registration of registrations.filter((candidate) => candidate.retryOptions)) {
    log(
      timestamped(
        `Warning: ${registration.name} declares a retry policy; the devhost does not apply function retry policies (queue and blob triggers still retry up to maxDequeueCount).`,
      ),
    );
  }

  const clients = new StorageClients();
  let durable: DurableEngine | undefined;
  const invoker = new Invoker({
    log,
    queueOutput: new QueueOutput(clients, process.env, hostSettings.queues.messageEncoding),
    durableClientInput: () => durable?.clientInput(),
  });
  const routes = toHttpRoutes(registrations);
  const server = http.createServer(
    createHttpListener({
      routes,
      routePrefix: hostSettings.routePrefix,
      cors: new CorsPolicy([...localSettings.corsOrigins, ...(options.corsOrigins ?? [])]),
      invoker,
      durableWebhooks: (req, res) => durable?.handleRequest(req, res) ?? Promise.resolve(false),
      fallback: options.fallback,
      log,
    }),
  );
  server.listen(options.port ?? localSettings.localHttpPort ?? 7071, options.listenHost ?? '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;

  const hostId = options.hostId ?? packageName(appRoot);
  const listeners: TriggerListener[] = [];
  const stop = async () => {
    await Promise.allSettled(listeners.map((listener) => listener.stop()));
    await durable?.stop();
    server.closeIdleConnections();
    const closed = new Promise((resolve) => server.close(resolve));
    // Requests still streaming after a moment are cut, as when a host shuts down.
    const cut = setTimeout(() => server.closeAllConnections(), 2_000);
    await closed;
    clearTimeout(cut);
  };

  try {
    if (registrations.some((registration) => isDurableFunction(registration) || hasDurableClientInput(registration))) {
      durable = createDurableEngine({
        registrations,
        storageConnectionString,
        taskHub: hostSettings.durableHubName,
        baseUrl: url,
        log,
      });
    }
    listeners.push(
      ...(await createTriggerListeners(registrations, {
        hostSettings,
        hostId,
        storageConnectionString,
        clients,
        invoker,
        log,
        pollIntervalMs: options.pollIntervalMs ?? 500,
      })),
    );
    for (const listener of listeners) await listener.start();
    await durable?.start();
  } catch (error) {
    await stop();
    throw error;
  }

  log(
    timestamped(
      `Functions (${hostId}):\n${registrations.map((registration) => describeFunction(registration, routes, hostSettings.routePrefix, url)).join('\n')}`,
    ),
  );
  return { url, port, registrations, stop };
}
