import { inject } from 'vitest';
import type { Database } from '../../shared/db/index.js';
import { BlobStore } from '../../shared/storage/blobStore.js';
import { createTestDatabase } from './database.js';

export interface IntegrationParts {
  db: Database;
  blobs: BlobStore;
  /** Drops the file's database. */
  close(): Promise<void>;
}

/** What an integration test file works on: a database cloned for it alone, and the run's Azurite. */
export async function openIntegrationParts(): Promise<IntegrationParts> {
  const database = await createTestDatabase();
  return {
    db: database.db,
    blobs: BlobStore.fromSettings({ connectionString: inject('azuriteConnectionString') }),
    close: () => database.drop(),
  };
}
