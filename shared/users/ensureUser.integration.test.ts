import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/support/database.js';
import type { Database } from '../db/index.js';
import { ensureUser, forgetKnownUsers } from './ensureUser.js';

describe('ensureUser against PostgreSQL', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let db: Database;
  const defaults = { storageLimitBytes: 1024 ** 3, imageLimit: 100 };

  beforeAll(async () => {
    database = await createTestDatabase();
    db = database.db;
  });
  afterAll(() => database?.drop());

  it('creates a new user and their default quota once, even from concurrent first requests', async () => {
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        forgetKnownUsers(); // as if each request reached a different instance
        await ensureUser(db, { userId: 'first-sight', email: 'fs@example.com', name: 'First' }, defaults);
      }),
    );
    expect(await db.user.findMany({ where: { id: 'first-sight' } })).toEqual([
      expect.objectContaining({ id: 'first-sight', email: 'fs@example.com', name: 'First', storageUsed: 0n }),
    ]);
    expect(await db.storageQuota.findUniqueOrThrow({ where: { userId: 'first-sight' } })).toMatchObject({
      storageLimit: BigInt(1024 ** 3),
      imageLimit: 100,
      imageCount: 0,
    });
  });

  it('never overwrites an existing user or quota', async () => {
    await db.storageQuota.update({ where: { userId: 'first-sight' }, data: { imageLimit: 500 } });
    forgetKnownUsers();
    await ensureUser(db, { userId: 'first-sight' }, { storageLimitBytes: 1, imageLimit: 1 });
    expect((await db.storageQuota.findUniqueOrThrow({ where: { userId: 'first-sight' } })).imageLimit).toBe(500);
    expect((await db.user.findUniqueOrThrow({ where: { id: 'first-sight' } })).email).toBe('fs@example.com');
  });
});
