import { fileURLToPath } from 'node:url';
import { uploadEventsSubscription } from '../../dev/uploadEventsSubscription.js';
import { startAzurite } from '../../devhost/azurite.js';
import { signLocalToken } from '../../shared/auth/signLocalToken.js';
import { loadConfig, type Config } from '../../shared/config.js';
import { createDatabaseClient, type Database } from '../../shared/db/index.js';
import { BlobStore } from '../../shared/storage/blobStore.js';
import { createBenchDatabase } from './benchDatabase.js';
import { onCleanup } from './cleanup.js';
import type { BlobEventsRelayWorkerInput, BlobEventsRelayWorkerMessage } from './blobEventsRelayWorker.js';
import { startService, type ServiceProcess } from './serviceProcess.js';
import { Worker } from './worker.js';

/**
 * The whole product for a benchmark, as `test/support/testApp.ts` assembles it for a test but with
 * each part in its own process: Azurite (`devhost/azurite.ts`), a migrated database of the benchmark's
 * own, optionally the local remover (`dist/remover/main.js`), the blob events relay in front of Azurite
 * for the app's DataStorage (`blobEventsRelayWorker.ts`, the upload trigger subscribed to it as on
 * Azure), and the compiled functions in the devhost (`dist/devhost/main.js`, so `npm run build` first:
 * the runner does it). The benchmark talks to it
 * over HTTP like any client, with tokens signed by the secret the app is given.
 */

export interface ProductStackOptions {
  /** Names the benchmark's database. */
  label: string;
  /** App settings beyond the defaults below (limits for load tests, …). */
  env?: Record<string, string>;
  /** Starts the local remover and points REMOVER_URL at it. */
  remover?: boolean;
  /** How often the devhost polls blob containers (the backstop of the relay's events) and queues (its default is 500 ms). */
  pollIntervalMs?: number;
  /** Keeps Azurite's data in this folder instead of in memory (large blobs). */
  azuriteLocation?: string;
  onHostLine?: (line: string) => void;
  onRemoverLine?: (line: string) => void;
}

export interface ProductStack {
  baseUrl: string;
  /** The devhost's process id (its memory is read from /proc). */
  devhostPid: number;
  /** A client on the benchmark's database, for seeding and checks. */
  db: Database;
  databaseUrl: string;
  blobs: BlobStore;
  /** The app's configuration, as the functions load it from the same settings. */
  config: Config;
  /** The app settings the devhost was started with (secrets left out). */
  settings: Record<string, string>;
  tokenFor(userId: string): Promise<string>;
  stop(): Promise<void>;
}

const BENCH_JWT_SECRET = 'detour-bench-jwt-secret-0123456789abcdef';
const BENCH_CURSOR_SECRET = 'detour-bench-cursor-secret-0123456789abcdef';
const SECRET_SETTINGS = new Set(['AUTH_JWT_SECRET', 'CURSOR_SECRET', 'AzureWebJobsStorage', 'DataStorage', 'DATABASE_URL']);

const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));

export async function startProductStack(options: ProductStackOptions): Promise<ProductStack> {
  const stops: Array<() => Promise<void>> = [];
  const stopAll = onCleanup(async () => {
    for (const stop of stops.reverse()) await stop();
  });
  try {
    const azurite = await startAzurite({ location: options.azuriteLocation });
    stops.push(() => azurite.stop());
    const database = await createBenchDatabase(options.label);
    stops.push(database.drop);
    const db = createDatabaseClient(database.url, { poolSize: 4 });
    stops.push(() => db.$disconnect());

    let remover: ServiceProcess | undefined;
    if (options.remover) {
      remover = await startService({
        name: 'the remover',
        script: `${repositoryRoot}dist/remover/main.js`,
        env: { ...process.env, PORT: '0' },
        ready: /detour remover listening on (http:\/\/\S+)/,
        onLine: options.onRemoverLine,
      });
      stops.push(remover.stop);
    }

    const relay = new Worker<BlobEventsRelayWorkerMessage>(new URL('./blobEventsRelayWorker.ts', import.meta.url), {
      connectionString: azurite.connectionString,
    } satisfies BlobEventsRelayWorkerInput);
    stops.push(async () => {
      relay.send('stop');
      await relay.done();
    });
    const relayed = await relay.next();
    if (relayed.type !== 'listening') throw new Error(`The blob events relay sent ${relayed.type} before it listened.`);

    const pollIntervalMs = options.pollIntervalMs ?? 500;
    const env: Record<string, string> = {
      DETOUR_ENV: 'test',
      AzureWebJobsStorage: azurite.connectionString,
      DataStorage: relayed.connectionString,
      DATABASE_URL: database.url,
      AUTH_JWT_SECRET: BENCH_JWT_SECRET,
      CURSOR_SECRET: BENCH_CURSOR_SECRET,
      ...(remover ? { REMOVER_URL: `${remover.url}/remove-background` } : {}),
      ...options.env,
    };
    let blobsExtensionKey: string | undefined;
    const devhost = await startService({
      name: 'the devhost',
      script: `${repositoryRoot}dist/devhost/main.js`,
      args: ['--app', repositoryRoot, '--port', '0', '--poll-interval', String(pollIntervalMs)],
      env: { ...process.env, ...env },
      ready: /Host listening on (http:\/\/\S+)/,
      onLine: (line) => {
        // The start-up lists the upload trigger with its Event Grid URL, which carries the blobs_extension key.
        const eventGridUrl = /onOriginalUploaded: blobTrigger \(Event Grid: POST (\S+)\)/.exec(line)?.[1];
        if (eventGridUrl) blobsExtensionKey = new URL(eventGridUrl).searchParams.get('code') ?? undefined;
        options.onHostLine?.(line);
      },
    });
    stops.push(devhost.stop);

    const config = loadConfig(env);
    if (!blobsExtensionKey) throw new Error("The devhost did not print the upload trigger's Event Grid URL at start-up.");
    relay.send(uploadEventsSubscription({ hostUrl: devhost.url, blobsExtensionKey, maxUploadBytes: config.limits.maxUploadBytes }));
    if ((await relay.next()).type !== 'subscribed') throw new Error('The blob events relay did not confirm the subscription.');
    return {
      baseUrl: devhost.url,
      devhostPid: devhost.pid,
      db,
      databaseUrl: database.url,
      blobs: BlobStore.fromSettings(config.storage),
      config,
      settings: {
        ...Object.fromEntries(Object.entries(env).filter(([name]) => !SECRET_SETTINGS.has(name))),
        pollIntervalMs: String(pollIntervalMs),
      },
      tokenFor: (userId) => signLocalToken({ userId, secret: BENCH_JWT_SECRET }),
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
