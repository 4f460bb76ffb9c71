import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startAzurite } from '../../devhost/azurite.js';
import { startBlobEventsRelay } from '../../devhost/blobEventsRelay.js';
import { uploadEventsSubscription } from '../../dev/uploadEventsSubscription.js';
import { startHost } from '../../devhost/host.js';
import { startRemoverServer } from '../../remover/server.js';
import { signLocalToken } from '../../shared/auth/signLocalToken.js';
import { loadConfig, type Config } from '../../shared/config.js';
import type { Database } from '../../shared/db/index.js';
import { BlobStore } from '../../shared/storage/blobStore.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import { startFlakyRemover, type FlakyRemover } from './flakyRemover.js';

/**
 * The whole product for an end-to-end test file: its compiled functions (`npm run build` first, as
 * `npm test` does) in the devhost, against an Azurite and a database of its own (blob receipts and
 * durable instances are per storage account, so test files never see each other's events), the real
 * local remover behind a path that can be told to fail. The app's DataStorage blob endpoint is the
 * blob events relay, subscribed as on Azure: uploads reach the blob trigger by Event Grid's push, the
 * container poll is the backstop.
 */
export interface TestApp {
  baseUrl: string;
  db: Database;
  blobs: BlobStore;
  config: Config;
  remover: FlakyRemover;
  /** Everything the host and the functions logged (printed live with DETOUR_TEST_LOGS=1). */
  logs: string[];
  tokenFor(userId: string): Promise<string>;
  /** A system key of the host (e.g. `blobs_extension`, which Event Grid's subscription URL carries). */
  systemKey(name: string): string | undefined;
  api(method: string, route: string, options?: { token?: string; body?: unknown; headers?: Record<string, string> }): Promise<ApiResponse>;
  stop(): Promise<void>;
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON body each test reads as the API documents it
  body: any;
}

export type ApiCall = TestApp['api'];

/** JSON requests to the API at `baseUrl`, with a bearer token when given; JSON replies parsed. */
export function apiClient(baseUrl: string): ApiCall {
  return async (method, route, { token, body, headers = {} } = {}) => {
    const response = await fetch(`${baseUrl}${route}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      redirect: 'manual',
    });
    const text = await response.text();
    const isJson = response.headers.get('content-type')?.includes('application/json');
    return { status: response.status, headers: response.headers, body: isJson && text ? JSON.parse(text) : text };
  };
}

export const TEST_JWT_SECRET = 'detour-tests-jwt-secret-0123456789abcdef';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface StartTestAppOptions {
  /** Extra app settings (e.g. smaller limits for quota tests). */
  env?: Record<string, string>;
  /** The app's database, when not a fresh clone of the run's template; `stop()` calls its `drop()`. */
  database?: TestDatabase;
  /** How often the host lists blob containers (and first polls queues); default 100 ms. Uploads also arrive by the relay's events. */
  pollIntervalMs?: number;
  /** Subscribes the upload trigger to the relay's events, as on Azure (default true); off, only the poll or a hand-made Event Grid delivery starts the pipeline. */
  uploadEvents?: boolean;
}

export async function startTestApp(options: StartTestAppOptions = {}): Promise<TestApp> {
  const azurite = await startAzurite();
  const database = options.database ?? (await createTestDatabase());
  const realRemover = await startRemoverServer({ port: 0 });
  const remover = await startFlakyRemover(`${realRemover.url}/remove-background`);
  const logs: string[] = [];
  const log = (line: string) => {
    logs.push(line);
    if (process.env.DETOUR_TEST_LOGS === '1') console.log(line);
  };
  const relay = await startBlobEventsRelay({ connectionString: azurite.connectionString, log });
  const env: Record<string, string> = {
    DETOUR_ENV: 'test',
    AzureWebJobsStorage: azurite.connectionString,
    DataStorage: relay.connectionString,
    DATABASE_URL: database.url,
    AUTH_JWT_SECRET: TEST_JWT_SECRET,
    REMOVER_URL: remover.url,
    REMOVER_RETRY_ATTEMPTS: '3',
    REMOVER_RETRY_FIRST_INTERVAL_MS: '100',
    SHARP_CONCURRENCY: '1',
    ...options.env,
  };
  const host = await startHost({ appRoot: repositoryRoot, port: 0, env, pollIntervalMs: options.pollIntervalMs ?? 100, log });
  const config = loadConfig(env);
  if (options.uploadEvents ?? true) {
    const blobsExtensionKey = host.keys.systemKey('blobs_extension')!;
    await relay.subscribe(uploadEventsSubscription({ hostUrl: host.url, blobsExtensionKey, maxUploadBytes: config.limits.maxUploadBytes }));
  }
  const blobs = BlobStore.fromSettings(config.storage);

  return {
    baseUrl: host.url,
    db: database.db,
    blobs,
    config,
    remover,
    logs,
    tokenFor: (userId) => signLocalToken({ userId, secret: TEST_JWT_SECRET }),
    systemKey: (name) => host.keys.systemKey(name),
    api: apiClient(host.url),
    async stop() {
      await host.stop();
      await relay.stop();
      await remover.close();
      await realRemover.close();
      await database.drop();
      await azurite.stop();
    },
  };
}

/** The `pipeline_step` events the functions logged for one image, in order. */
export function pipelineStepEvents(app: Pick<TestApp, 'logs'>, imageId: string): Record<string, unknown>[] {
  return app.logs
    .map((line) => /\{"event":"pipeline_step".*\}/.exec(line)?.[0])
    .filter((json): json is string => json !== undefined)
    .map((json) => JSON.parse(json) as Record<string, unknown>)
    .filter((event) => event.imageId === imageId);
}
