import { createHash } from 'node:crypto';
import os from 'node:os';
import { z } from 'zod';

/**
 * The one configuration loader. Every setting the product reads comes from the environment (app
 * settings on Azure, `local.settings.json` or the devhost locally), is validated here once, and is
 * handed on as a typed, frozen object. A bad or missing variable stops start-up with its name.
 */

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

const optionalString = z
  .string()
  .trim()
  .optional()
  .transform((value) => (value === '' ? undefined : value));

const integer = (fallback: number, min: number, max: number) => z.coerce.number().int().min(min).max(max).default(fallback);

const httpUrl = z.url({ protocol: /^https?$/ });

/** The raw environment, variable by variable, as app settings name them. */
const environmentSchema = z.object({
  DETOUR_ENV: z.enum(['development', 'test', 'production']).default('development'),

  DATABASE_URL: optionalString.pipe(z.url({ protocol: /^postgres(ql)?$/ }).optional()),
  // Connections per instance: a scaled-out app opens this many times its instance count.
  DATABASE_POOL_SIZE: integer(5, 1, 100),

  // Product data storage. `DataStorage` is also the `connection` name of the blob and queue bindings:
  // a connection string locally, `DataStorage__blobServiceUri` + `__queueServiceUri` with a managed
  // identity (`DataStorage__clientId` for a user-assigned one) in production.
  DataStorage: optionalString,
  DataStorage__blobServiceUri: optionalString.pipe(httpUrl.optional()),
  DataStorage__queueServiceUri: optionalString.pipe(httpUrl.optional()),
  DataStorage__clientId: optionalString,

  AUTH_JWT_SECRET: optionalString.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
  AUTH_JWKS_URL: optionalString.pipe(httpUrl.optional()),
  AUTH_ISSUER: optionalString,
  AUTH_AUDIENCE: optionalString,

  // Signs gallery cursors so that a cursor cannot be forged or moved to another user or filter set.
  CURSOR_SECRET: optionalString.pipe(z.string().min(32, 'must be at least 32 characters').optional()),

  REMOVER_URL: optionalString.pipe(httpUrl.optional()),
  REMOVER_TIMEOUT_MS: integer(120_000, 1_000, 15 * 60_000),
  REMOVER_RETRY_ATTEMPTS: integer(5, 1, 20),
  REMOVER_RETRY_FIRST_INTERVAL_MS: integer(5_000, 10, 10 * 60_000),

  PUBLIC_BASE_URL: optionalString.pipe(httpUrl.optional()),

  MAX_UPLOAD_BYTES: integer(25 * MiB, 1, 5 * GiB),
  MAX_INPUT_PIXELS: integer(50_000_000, 1, 1_000_000_000),
  UPLOAD_SAS_TTL_MINUTES: integer(10, 1, 15),
  READ_SAS_TTL_MINUTES: integer(60, 1, 60),
  // Links the product hands on for one use: a download redirect is followed at once; the remover
  // fetches the original as its call starts; a share visitor's links are re-signed on every visit.
  DOWNLOAD_SAS_TTL_MINUTES: integer(5, 1, 60),
  REMOVER_SAS_TTL_MINUTES: integer(15, 1, 60),
  UPLOAD_RATE_LIMIT_PER_MINUTE: integer(30, 1, 100_000),
  API_KEY_UPLOAD_RATE_LIMIT_PER_MINUTE: integer(20, 1, 100_000),
  DEFAULT_STORAGE_LIMIT_BYTES: integer(GiB, 0, Number.MAX_SAFE_INTEGER),
  DEFAULT_IMAGE_LIMIT: integer(100, 0, 100_000_000),
  PENDING_UPLOAD_GRACE_HOURS: integer(1, 1, 24 * 30),
  // Deleted images wait this long in "Recently deleted" (still counted in the quota), then are purged.
  TRASH_RETENTION_DAYS: integer(30, 1, 3_650),
  // At most a week: the storage lifecycle rule deletes exports/ blobs after 8 days whatever this says.
  EXPORT_TTL_HOURS: integer(24, 1, 7 * 24),
  // A blob no row accounts for may be one a step is writing right now: only older ones are removed.
  RECONCILE_GRACE_MINUTES: integer(60, 1, 7 * 24 * 60),
  RECONCILE_BATCH_SIZE: integer(200, 1, 5_000),
  SHARP_CONCURRENCY: integer(os.availableParallelism(), 1, 64),

  // Seals webhook signing secrets at rest (AES-256-GCM under its SHA-256).
  WEBHOOK_SECRET_KEY: optionalString.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
  // Local development and tests only: webhook receivers on http and on loopback/private addresses.
  WEBHOOK_ALLOW_LOCAL_RECEIVERS: optionalString.pipe(z.enum(['true', 'false']).optional()),
  WEBHOOK_RETRY_FIRST_INTERVAL_MS: integer(30_000, 10, 10 * 60_000),
});

export type Environment = z.infer<typeof environmentSchema>;

export interface StorageSettings {
  /** Azurite or an account key: SAS are signed with the account key. */
  connectionString?: string;
  /** Production: the account's endpoints, reached with a managed identity and user delegation SAS. */
  blobServiceUrl?: string;
  queueServiceUrl?: string;
  managedIdentityClientId?: string;
}

export interface Config {
  env: Environment['DETOUR_ENV'];
  isProduction: boolean;
  databaseUrl?: string;
  databasePoolSize: number;
  storage: StorageSettings;
  auth: { jwtSecret?: string; jwksUrl?: string; issuer?: string; audience?: string };
  cursorSecret: string;
  remover: { url?: string; timeoutMs: number; retryAttempts: number; retryFirstIntervalMs: number };
  publicBaseUrl: string;
  limits: {
    maxUploadBytes: number;
    maxInputPixels: number;
    uploadsPerMinute: number;
    uploadsPerMinutePerApiKey: number;
    defaultStorageLimitBytes: number;
    defaultImageLimit: number;
    pendingUploadGraceHours: number;
  };
  sas: { uploadTtlMinutes: number; readTtlMinutes: number; downloadTtlMinutes: number; removerTtlMinutes: number };
  exports: { ttlHours: number };
  reconciliation: { graceMinutes: number; batchSize: number };
  trash: { retentionDays: number };
  sharpConcurrency: number;
  webhooks: { secretKey: Buffer; allowLocalReceivers: boolean; retryFirstIntervalMs: number };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

// Local development and tests work with no settings at all; these values are never used in production,
// where the matching variables are required (see `productionRequirements`).
const LOCAL_CURSOR_SECRET = 'detour-local-cursor-secret-not-for-production';
const LOCAL_PUBLIC_BASE_URL = 'http://localhost:7071';
const LOCAL_JWT_SECRET = 'detour-local-jwt-secret-not-for-production';
const LOCAL_WEBHOOK_SECRET_KEY = 'detour-local-webhook-secret-key-not-for-production';

/** Variables production cannot run without, each with why, checked after the schema. */
function productionRequirements(env: Environment): string[] {
  const missing: string[] = [];
  if (!env.DATABASE_URL) missing.push('DATABASE_URL (the PostgreSQL connection string)');
  if (!env.DataStorage && !env.DataStorage__blobServiceUri) {
    missing.push('DataStorage__blobServiceUri (or DataStorage) (the product storage account)');
  }
  if (!env.DataStorage && !env.DataStorage__queueServiceUri) {
    missing.push('DataStorage__queueServiceUri (or DataStorage) (the product storage account queues)');
  }
  if (!env.AUTH_JWKS_URL && !env.AUTH_JWT_SECRET) missing.push('AUTH_JWKS_URL or AUTH_JWT_SECRET (token verification)');
  if (!env.CURSOR_SECRET) missing.push('CURSOR_SECRET (signs gallery cursors and share-link grants)');
  if (!env.REMOVER_URL) missing.push('REMOVER_URL (the background-removal service)');
  if (!env.PUBLIC_BASE_URL) missing.push('PUBLIC_BASE_URL (the public address of the page and the API, for share links)');
  if (!env.WEBHOOK_SECRET_KEY) missing.push('WEBHOOK_SECRET_KEY (seals webhook signing secrets)');
  return missing;
}

export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const parsed = environmentSchema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const env = parsed.data;
  const isProduction = env.DETOUR_ENV === 'production';
  if (isProduction) {
    const missing = productionRequirements(env);
    if (missing.length > 0) {
      throw new ConfigError(`Missing configuration for production:\n  ${missing.join('\n  ')}`);
    }
    if (env.WEBHOOK_ALLOW_LOCAL_RECEIVERS === 'true') {
      throw new ConfigError('WEBHOOK_ALLOW_LOCAL_RECEIVERS cannot be true in production: receivers must be public https addresses.');
    }
  }
  if (!env.DataStorage && (!env.DataStorage__blobServiceUri || !env.DataStorage__queueServiceUri) && !isProduction) {
    // Local runs without settings talk to Azurite on its default ports.
    env.DataStorage = 'UseDevelopmentStorage=true';
  }

  return Object.freeze({
    env: env.DETOUR_ENV,
    isProduction,
    databaseUrl: env.DATABASE_URL,
    databasePoolSize: env.DATABASE_POOL_SIZE,
    storage: {
      connectionString: env.DataStorage,
      blobServiceUrl: env.DataStorage__blobServiceUri,
      queueServiceUrl: env.DataStorage__queueServiceUri,
      managedIdentityClientId: env.DataStorage__clientId,
    },
    auth: {
      jwtSecret: env.AUTH_JWT_SECRET ?? (isProduction || env.AUTH_JWKS_URL ? undefined : LOCAL_JWT_SECRET),
      jwksUrl: env.AUTH_JWKS_URL,
      issuer: env.AUTH_ISSUER,
      audience: env.AUTH_AUDIENCE,
    },
    cursorSecret: env.CURSOR_SECRET ?? LOCAL_CURSOR_SECRET,
    remover: {
      url: env.REMOVER_URL,
      timeoutMs: env.REMOVER_TIMEOUT_MS,
      retryAttempts: env.REMOVER_RETRY_ATTEMPTS,
      retryFirstIntervalMs: env.REMOVER_RETRY_FIRST_INTERVAL_MS,
    },
    publicBaseUrl: (env.PUBLIC_BASE_URL ?? LOCAL_PUBLIC_BASE_URL).replace(/\/+$/, ''),
    limits: {
      maxUploadBytes: env.MAX_UPLOAD_BYTES,
      maxInputPixels: env.MAX_INPUT_PIXELS,
      uploadsPerMinute: env.UPLOAD_RATE_LIMIT_PER_MINUTE,
      uploadsPerMinutePerApiKey: env.API_KEY_UPLOAD_RATE_LIMIT_PER_MINUTE,
      defaultStorageLimitBytes: env.DEFAULT_STORAGE_LIMIT_BYTES,
      defaultImageLimit: env.DEFAULT_IMAGE_LIMIT,
      pendingUploadGraceHours: env.PENDING_UPLOAD_GRACE_HOURS,
    },
    exports: { ttlHours: env.EXPORT_TTL_HOURS },
    sas: {
      uploadTtlMinutes: env.UPLOAD_SAS_TTL_MINUTES,
      readTtlMinutes: env.READ_SAS_TTL_MINUTES,
      downloadTtlMinutes: env.DOWNLOAD_SAS_TTL_MINUTES,
      removerTtlMinutes: env.REMOVER_SAS_TTL_MINUTES,
    },
    reconciliation: { graceMinutes: env.RECONCILE_GRACE_MINUTES, batchSize: env.RECONCILE_BATCH_SIZE },
    trash: { retentionDays: env.TRASH_RETENTION_DAYS },
    sharpConcurrency: env.SHARP_CONCURRENCY,
    webhooks: {
      secretKey: createHash('sha256')
        .update(env.WEBHOOK_SECRET_KEY ?? LOCAL_WEBHOOK_SECRET_KEY)
        .digest(),
      allowLocalReceivers: isProduction ? false : env.WEBHOOK_ALLOW_LOCAL_RECEIVERS !== 'false',
      retryFirstIntervalMs: env.WEBHOOK_RETRY_FIRST_INTERVAL_MS,
    },
  });
}

let cached: Config | undefined;

/** The process-wide configuration, loaded on first use. Functions call this at start-up. */
export function getConfig(): Config {
  cached ??= loadConfig();
  return cached;
}

/** Every variable the loader reads: the infra consistency test and the README table use this list. */
export const CONFIG_VARIABLES = Object.keys(environmentSchema.shape) as (keyof Environment)[];
