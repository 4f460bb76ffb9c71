import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createDurableEngine, type DurableEngine } from './durable/engine.js';
import { DevhostError } from './errors.js';
import { assertRunnable, hasDurableClientInput, isDisabled, isDurableFunction, triggerOf } from './functionBindings.js';
import { workerCapabilities, type FunctionRegistration } from './functionsCore.js';
import { runAppStartHooks, runAppTerminateHooks } from './hooks.js';
import { readHostSettings, readLocalSettings } from './hostSettings.js';
import { blobEventsWebhook } from './http/blobEventsWebhook.js';
import { CorsPolicy } from './http/cors.js';
import { HostKeys } from './http/hostKeys.js';
import { createHttpListener, toHttpRoutes, type HttpRoute, type RequestHandler } from './http/httpServer.js';
import { Invoker } from './invocation.js';
import { findEntryFiles, loadApp } from './loadApp.js';
import { timestamped, type LogSink } from './log.js';
import { QueueOutput } from './queueOutput.js';
import { QueueWatcher } from './queueWatcher.js';
import { StorageClients } from './storageClients.js';
import { BlobTriggerListener } from './triggers/blobTrigger.js';
import { createTriggerListeners, type TriggerListener } from './triggers/triggerListeners.js';

/**
 * Starts a function app the way the Functions host does, on local parts: the app's compiled files are
 * imported (package.json "main"), its appStart hooks run, its registrations served — HTTP on Node's
 * http server (keys checked, bodies buffered or streamed as `app.setup` says), blob, queue and timer
 * triggers on Azurite (blob events also from Event Grid's webhook), orchestrations and activities by
 * the Durable engine — with every host.json setting applied or refused (devhost/README.md).
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
  /** How often blob containers are polled, and the shortest wait between queue polls; default 500 ms. */
  pollIntervalMs?: number;
  /** How long a running queue message stays hidden before it is renewed; the host's 10 minutes unless given. */
  queueLeaseMs?: number;
  log?: LogSink;
}

export interface RunningHost {
  url: string;
  port: number;
  registrations: readonly FunctionRegistration[];
  /** The host's keys (printed at start-up with the URLs that need them). */
  keys: HostKeys;
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

/** The start-up line of a function, as `func start` prints it: HTTP functions with their URL (and the key they need). */
function describeFunction(
  registration: FunctionRegistration,
  routes: readonly HttpRoute[],
  prefix: string,
  url: string,
  keys: HostKeys,
): string {
  const { binding } = triggerOf(registration);
  const route = routes.find((candidate) => candidate.registration === registration);
  if (!route) {
    const eventGrid =
      binding.type === 'blobTrigger' && binding.source === 'EventGrid'
        ? ` (Event Grid: POST ${url}/runtime/webhooks/blobs?functionName=Host.Functions.${registration.name}&code=${keys.systemKey(BLOBS_EXTENSION_KEY)})`
        : '';
    return `  ${registration.name}: ${binding.type}${eventGrid}`;
  }
  const methods = route.methods.size > 0 ? [...route.methods].join(',') : 'ALL';
  const key =
    route.authLevel === 'admin' ? keys.masterKey : route.authLevel === 'function' ? keys.functionKey(registration.name) : undefined;
  return `  ${registration.name}: [${methods}] ${url}${prefix ? `/${prefix}` : ''}/${route.template.template.replace(/^\//, '')}${key ? `?code=${key}` : ''}`;
}

const BLOBS_EXTENSION_KEY = 'blobs_extension';
const SECRETS_CONTAINER = 'azure-webjobs-secrets';

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
  // The worker runs appStart hooks right after loading the entry files, then reports its capabilities (which locks app.setup).
  await runAppStartHooks(appRoot);
  const httpStream = (await workerCapabilities()).HttpUri !== undefined;

  const hostId = options.hostId ?? packageName(appRoot);
  const clients = new StorageClients();
  const routes = toHttpRoutes(registrations);
  const eventGridBlobTriggers = registrations.filter((registration) => {
    const { binding } = triggerOf(registration);
    return binding.type === 'blobTrigger' && binding.source === 'EventGrid';
  });
  const keys = await HostKeys.load(
    clients.blobService(storageConnectionString).getContainerClient(SECRETS_CONTAINER),
    hostId,
    routes.filter((route) => route.authLevel !== 'anonymous').map((route) => route.registration.name),
    eventGridBlobTriggers.length > 0 ? [BLOBS_EXTENSION_KEY] : [],
  );

  let durable: DurableEngine | undefined;
  const queueWatcher = new QueueWatcher();
  const invoker = new Invoker({
    log,
    functionTimeoutMs: hostSettings.functionTimeoutMs,
    queueOutput: new QueueOutput(clients, process.env, hostSettings.queues.messageEncoding, queueWatcher),
    durableClientInput: () => durable?.clientInput(),
  });
  const listeners: TriggerListener[] = [];
  const durableWebhooks: RequestHandler = (req, res) => durable?.handleRequest(req, res) ?? Promise.resolve(false);
  const server = http.createServer(
    createHttpListener({
      routes,
      routePrefix: hostSettings.routePrefix,
      cors: new CorsPolicy([...localSettings.corsOrigins, ...(options.corsOrigins ?? [])]),
      invoker,
      keys,
      httpStream,
      webhooks: [
        durableWebhooks,
        blobEventsWebhook({
          listeners: () => listeners.filter((listener): listener is BlobTriggerListener => listener instanceof BlobTriggerListener),
          keys,
          log,
        }),
      ],
      fallback: options.fallback,
      log,
    }),
  );
  server.listen(options.port ?? localSettings.localHttpPort ?? 7071, options.listenHost ?? '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;

  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      await Promise.allSettled(listeners.map((listener) => listener.stop()));
      await durable?.stop();
      server.closeIdleConnections();
      const closed = new Promise((resolve) => server.close(resolve));
      // Requests still streaming after a moment are cut, as when a host shuts down.
      const cut = setTimeout(() => server.closeAllConnections(), 2_000);
      await closed;
      clearTimeout(cut);
      await runAppTerminateHooks();
    })());

  try {
    if (registrations.some((registration) => isDurableFunction(registration) || hasDurableClientInput(registration))) {
      durable = createDurableEngine({
        registrations,
        storageConnectionString,
        taskHub: hostSettings.durableTask.hubName,
        baseUrl: url,
        log,
        maxConcurrentActivityFunctions: hostSettings.durableTask.maxConcurrentActivityFunctions,
        maxConcurrentOrchestratorFunctions: hostSettings.durableTask.maxConcurrentOrchestratorFunctions,
        functionTimeoutMs: hostSettings.functionTimeoutMs,
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
        queueLeaseMs: options.queueLeaseMs,
        queueWatcher,
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
      `Functions (${hostId}):\n${registrations.map((registration) => describeFunction(registration, routes, hostSettings.routePrefix, url, keys)).join('\n')}`,
    ),
  );
  return { url, port, registrations, keys, stop };
}
