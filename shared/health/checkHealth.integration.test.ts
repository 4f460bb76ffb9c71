import { BlobServiceClient, type StorageSharedKeyCredential } from '@azure/storage-blob';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../../test/support/database.js';
import { createDatabaseClient, type Database } from '../db/index.js';
import { BlobStore } from '../storage/blobStore.js';
import { sharedKeySigner } from '../storage/sasSigner.js';
import { checkHealth } from './checkHealth.js';

describe('health checks against PostgreSQL and Azurite', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let db: Database;
  let blobs: BlobStore;
  const events: { event: string; fields: Record<string, unknown> }[] = [];
  const log = (event: string, fields: Record<string, unknown>) => events.push({ event, fields });

  beforeAll(async () => {
    database = await createTestDatabase();
    db = database.db;
    blobs = BlobStore.fromSettings({ connectionString: inject('azuriteConnectionString') });
    await blobs.ensureContainers();
  });
  afterAll(() => database?.drop());

  it('is ok when both answer', async () => {
    expect(await checkHealth({ db, blobs, log })).toEqual({ status: 'ok', checks: { database: 'ok', storage: 'ok' } });
    expect(events).toEqual([]);
  });

  it('names the failing dependency without describing it, and logs why', async () => {
    const unreachable = BlobServiceClient.fromConnectionString(inject('azuriteConnectionString').replace(/:\d+\//, ':9/'), {
      retryOptions: { maxTries: 1 },
    });
    const deadBlobs = new BlobStore(unreachable, sharedKeySigner(blobs.client.credential as StorageSharedKeyCredential, unreachable.url));
    const deadDb = createDatabaseClient(database.url.replace(/:\d+\//, ':9/'));
    try {
      expect(await checkHealth({ db, blobs: deadBlobs, log })).toEqual({ status: 'error', checks: { database: 'ok', storage: 'error' } });
      expect(await checkHealth({ db: deadDb, blobs, log })).toEqual({ status: 'error', checks: { database: 'error', storage: 'ok' } });
    } finally {
      await deadDb.$disconnect();
    }
    expect(events.map(({ fields }) => fields.check)).toEqual(['storage', 'database']);
  });

  it("fails the database when detour's tables are not on the connection's search path", async () => {
    const elsewhere = createDatabaseClient(`${database.url}?options=${encodeURIComponent('-c search_path=pg_catalog')}`);
    try {
      expect(await checkHealth({ db: elsewhere, blobs, log })).toEqual({ status: 'error', checks: { database: 'error', storage: 'ok' } });
    } finally {
      await elsewhere.$disconnect();
    }
    expect(events.at(-1)?.fields).toMatchObject({ check: 'database', reason: expect.stringContaining('users') });
  });

  it('gives up on a dependency that does not answer in time', async () => {
    // A server that accepts connections and never says a word.
    const silent = net.createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const silentDb = createDatabaseClient(`postgresql://postgres@127.0.0.1:${(silent.address() as net.AddressInfo).port}/detour`);
    try {
      // Long enough for Azurite to answer on a busy machine; the silent database never does.
      expect(await checkHealth({ db: silentDb, blobs, log, timeoutMs: 3_000 })).toEqual({
        status: 'error',
        checks: { database: 'error', storage: 'ok' },
      });
    } finally {
      silent.close();
      silentDb.$disconnect().catch(() => {});
    }
  });
});
