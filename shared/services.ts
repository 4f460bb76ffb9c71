import sharp from 'sharp';
import { getConfig, type Config } from './config.js';
import { createDatabaseClient, type Database } from './db/index.js';
import { BlobStore } from './storage/blobStore.js';

/**
 * The composition root: the process-wide clients a function needs, made once per instance and passed
 * down explicitly. Rules in `shared/` receive what they use as arguments and never reach for these.
 */
export interface Services {
  config: Config;
  db: Database;
  blobs: BlobStore;
}

let services: Services | undefined;

export function getServices(): Services {
  if (!services) {
    const config = getConfig();
    if (!config.databaseUrl) throw new Error('DATABASE_URL is not set.');
    // glibc without jemalloc makes sharp default to one thread; use the cores we have. No operation
    // cache: the app never repeats an operation on the same input, so it would only hold memory.
    sharp.concurrency(config.sharpConcurrency);
    sharp.cache(false);
    services = {
      config,
      db: createDatabaseClient(config.databaseUrl, { poolSize: config.databasePoolSize }),
      blobs: BlobStore.fromSettings(config.storage),
    };
  }
  return services;
}
