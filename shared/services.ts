import { getConfig, type Config } from './config.js';
import { createDatabaseClient, type Database } from './db/index.js';
import { setImageThreads } from './media/imageMedia.js';
import { BlobStore } from './storage/blobStore.js';
import { WebhookDispatcherQueue } from './webhooks/webhookDispatcherQueue.js';

/**
 * The composition root: the process-wide clients a function needs, made once per instance and passed
 * down explicitly. Rules in `shared/` receive what they use as arguments and never reach for these.
 */
export interface Services {
  config: Config;
  db: Database;
  blobs: BlobStore;
  webhookDispatcher: WebhookDispatcherQueue;
}

let services: Services | undefined;

export function getServices(): Services {
  if (!services) {
    const config = getConfig();
    if (!config.databaseUrl) throw new Error('DATABASE_URL is not set.');
    // glibc without jemalloc makes sharp default to one thread; use the cores we have.
    setImageThreads(config.sharpConcurrency);
    services = {
      config,
      db: createDatabaseClient(config.databaseUrl, { poolSize: config.databasePoolSize }),
      blobs: BlobStore.fromSettings(config.storage),
      webhookDispatcher: WebhookDispatcherQueue.fromSettings(config.storage),
    };
  }
  return services;
}
