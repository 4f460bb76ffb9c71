import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BlobServiceClient } from '@azure/storage-blob';
import { startRemoverServer } from '../remover/server.js';
import { loadConfig } from '../shared/config.js';
import { BlobStore } from '../shared/storage/blobStore.js';
import { startAzurite, type RunningAzurite } from '../devhost/azurite.js';
import { startBlobEventsRelay } from '../devhost/blobEventsRelay.js';
import { applyMigrations, projectRoot, startEmbeddedPostgres } from './database.js';
import { startHost, type RunningHost } from '../devhost/host.js';
import { readLocalSettings } from '../devhost/hostSettings.js';
import { createLocalWebApp } from './localWebApp.js';
import { describeError } from '../devhost/log.js';
import { uploadEventsSubscription } from './uploadEventsSubscription.js';

/**
 * `npm start` (after `npm run build`): Azurite with its data under .data/azurite, the database
 * (DATABASE_URL, else an embedded PostgreSQL under .data/pglite, migrated), the local
 * background-removal service, and the devhost running the compiled functions, with the gallery page
 * (web/dist) at its root. The product's blobs (DataStorage) go through the blob events relay, a local
 * Event Grid that pushes uploads to the blob trigger as on Azure. Ctrl-C stops all.
 *
 * `npm start -- [--data <folder>] [--free-ports] [--embedded-database]`: another data folder than .data,
 * free ports for Azurite, the relay and the remover instead of the well-known ones (a second copy beside the
 * first, the end-to-end tests), the embedded database even when DATABASE_URL is set.
 */

const { values: options } = parseArgs({
  options: {
    data: { type: 'string' },
    'free-ports': { type: 'boolean', default: false },
    'embedded-database': { type: 'boolean', default: false },
  },
});

const AZURITE_PORTS = { blobPort: 10000, queuePort: 10001, tablePort: 10002 };
const RELAY_PORT = 10003;
const REMOVER_PORT = 7072;
/** Pages that upload straight to Blob Storage with a SAS: the API's own origin and the Vite dev server. */
const BROWSER_ORIGINS = ['http://localhost:5173', 'http://127.0.0.1:5173'];

function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** The well-known port when free (and wanted), else 0 (a free one). */
async function portOrFree(port: number, what: string, notes: string[]): Promise<number> {
  if (options['free-ports']) return 0;
  if (await isPortFree(port)) return port;
  notes.push(`port ${port} is taken, so ${what} listens on a free port`);
  return 0;
}

/** What infra/ provisions in Azure: the product's containers, and CORS for pages that PUT with a SAS. */
async function provisionStorage(azurite: RunningAzurite, origins: readonly string[]): Promise<void> {
  await BlobStore.fromSettings({ connectionString: azurite.connectionString }).ensureContainers();
  await BlobServiceClient.fromConnectionString(azurite.connectionString).setProperties({
    cors: [
      {
        allowedOrigins: origins.join(','),
        allowedMethods: 'GET,HEAD,PUT,OPTIONS',
        allowedHeaders: '*',
        exposedHeaders: '*',
        maxAgeInSeconds: 3600,
      },
    ],
  });
}

async function startStorage(dataFolder: string, notes: string[], stops: Array<() => Promise<unknown>>): Promise<RunningAzurite> {
  const azurite = await startAzurite({
    location: path.join(dataFolder, 'azurite'),
    blobPort: await portOrFree(AZURITE_PORTS.blobPort, 'Azurite blob', notes),
    queuePort: await portOrFree(AZURITE_PORTS.queuePort, 'Azurite queue', notes),
    tablePort: await portOrFree(AZURITE_PORTS.tablePort, 'Azurite table', notes),
  });
  stops.push(() => azurite.stop());
  return azurite;
}

/** Builds the gallery page when it has never been built (a fresh clone); `npm run web:build` rebuilds it. */
async function ensureWebPage(root: string, notes: string[]): Promise<void> {
  if (existsSync(path.join(root, 'web/dist/index.html')) || !existsSync(path.join(root, 'web/index.html'))) return;
  const [command, args] = process.env.npm_execpath ? [process.execPath, [process.env.npm_execpath]] : ['npm', []];
  await new Promise<void>((resolve) => {
    execFile(command, [...args, 'run', 'web:build'], { cwd: root, maxBuffer: 10 * 1024 * 1024 }, (error) => {
      if (error) notes.push('the gallery page is not built and `npm run web:build` failed: run it to see why');
      resolve();
    });
  });
}

/** DATABASE_URL (environment or local.settings.json), else the embedded one; migrated either way. */
async function startDatabase(
  root: string,
  dataFolder: string,
  stops: Array<() => Promise<unknown>>,
): Promise<{ url: string; label: string }> {
  const configuredUrl = options['embedded-database'] ? undefined : process.env.DATABASE_URL || readLocalSettings(root).values.DATABASE_URL;
  if (configuredUrl) {
    await applyMigrations(configuredUrl);
    return { url: configuredUrl, label: 'PostgreSQL (DATABASE_URL)' };
  }
  const embedded = await startEmbeddedPostgres({ dataDir: path.join(dataFolder, 'pglite') });
  stops.push(() => embedded.stop());
  await applyMigrations(embedded.url);
  return { url: embedded.url, label: `PostgreSQL (embedded, ${path.relative(root, path.join(dataFolder, 'pglite')) || '.'})` };
}

async function main(): Promise<void> {
  const root = projectRoot();
  const dataFolder = path.resolve(root, options.data ?? '.data');
  mkdirSync(path.join(dataFolder, 'azurite'), { recursive: true });
  const notes: string[] = [];
  const stops: Array<() => Promise<unknown>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((error: unknown) => console.error(describeError(error)));
  };

  let stopping = false;
  process.on('SIGINT', () => {
    if (stopping) process.exit(130); // a second Ctrl-C does not wait
    stopping = true;
    console.log('\nStopping…');
    void stopAll().then(() => process.exit(0));
  });
  process.on('SIGTERM', () => void stopAll().then(() => process.exit(0)));

  try {
    // Storage, database and remover do not need each other: they start side by side.
    const azuriteStarting = startStorage(dataFolder, notes, stops);
    const databaseStarting = startDatabase(root, dataFolder, stops);
    const removerStarting = portOrFree(REMOVER_PORT, 'the remover', notes)
      .then((port) => startRemoverServer({ port }))
      .then((remover) => (stops.push(() => remover.close()), remover));
    const webPageBuilt = ensureWebPage(root, notes);
    await Promise.allSettled([azuriteStarting, databaseStarting, removerStarting, webPageBuilt]);
    const [azurite, database, remover] = [await azuriteStarting, await databaseStarting, await removerStarting];
    const databaseUrl = database.url;
    const removerUrl = `${remover.url}/remove-background`;

    const port = Number(process.env.PORT ?? 7071);
    await provisionStorage(azurite, [`http://localhost:${port}`, `http://127.0.0.1:${port}`, ...BROWSER_ORIGINS]);
    const relay = await startBlobEventsRelay({
      connectionString: azurite.connectionString,
      port: await portOrFree(RELAY_PORT, 'the blob events relay', notes),
    });
    stops.push(() => relay.stop());
    const env: Record<string, string> = {
      AzureWebJobsStorage: azurite.connectionString,
      DataStorage: relay.connectionString,
      DATABASE_URL: databaseUrl,
      REMOVER_URL: removerUrl,
    };
    // Share links point at this host unless a public address was configured.
    if (!process.env.PUBLIC_BASE_URL && !readLocalSettings(root).values.PUBLIC_BASE_URL) env.PUBLIC_BASE_URL = `http://localhost:${port}`;
    // The page signs its local tokens with the secret the functions will check them with.
    const { auth, limits } = loadConfig({ ...readLocalSettings(root).values, ...process.env, ...env });
    const webApp = auth.jwtSecret
      ? createLocalWebApp({ webRoot: path.join(root, 'web/dist'), jwtSecret: auth.jwtSecret, issuer: auth.issuer, audience: auth.audience })
      : undefined;
    if (!webApp) notes.push('AUTH_JWKS_URL is set, so the local gallery page (which signs its own tokens) is not served');
    const host: RunningHost = await startHost({ appRoot: root, port, env, corsOrigins: BROWSER_ORIGINS, fallback: webApp });
    stops.push(() => host.stop());
    // The subscription infra/app/blob-events.bicep makes on Azure once the code is deployed.
    const blobsExtensionKey = host.keys.systemKey('blobs_extension')!;
    await relay.subscribe(uploadEventsSubscription({ hostUrl: host.url, blobsExtensionKey, maxUploadBytes: limits.maxUploadBytes }));

    const rows: Array<[string, string]> = [
      ...(webApp ? [['Gallery page', `http://localhost:${host.port}/`] as [string, string]] : []),
      ['API (Functions host)', `http://localhost:${host.port}/api`],
      ['Durable webhooks', `http://localhost:${host.port}/runtime/webhooks/durabletask`],
      ['Azurite blob', azurite.blobUrl],
      ['Blob events relay (DataStorage blobs)', relay.blobUrl],
      ['Azurite queue', azurite.queueUrl],
      ['Azurite table', azurite.tableUrl],
      [database.label, databaseUrl.replace(/\/\/([^:@/]+):[^@/]+@/, '//$1:***@')],
      ['Background removal', removerUrl],
    ];
    const width = Math.max(...rows.map(([name]) => name.length));
    console.log(`\ndetour is running (data in ${path.relative(root, dataFolder) || '.'}/, Ctrl-C stops everything):\n`);
    for (const [name, url] of rows) console.log(`  ${name.padEnd(width)}  ${url}`);
    for (const note of notes) console.log(`  note: ${note}`);
    console.log('');
  } catch (error) {
    console.error(`npm start failed: ${describeError(error)}`);
    await stopAll();
    process.exit(1);
  }
}

await main();
