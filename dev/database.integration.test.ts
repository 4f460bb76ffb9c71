import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDatabaseClient } from '../shared/db/index.js';
import { applyMigrations, startEmbeddedPostgres } from './database.js';

describe('startEmbeddedPostgres: the embedded PGlite of npm start without DATABASE_URL', () => {
  it('is migrated by prisma migrate deploy, answers the client, and keeps its data across restarts', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'detour-pglite-'));
    try {
      const first = await startEmbeddedPostgres({ dataDir });
      try {
        expect(first.url).toMatch(/^postgresql:\/\/.*@127\.0\.0\.1:\d+\//);
        await applyMigrations(first.url);
        const db = createDatabaseClient(first.url, { poolSize: 2 });
        try {
          await db.user.create({
            data: {
              id: 'embedded',
              images: { create: { originalName: 'a.png', fileType: 'image/png', fileSize: 1n, originalPath: 'x', tags: ['t'] } },
            },
          });
          expect(await db.userImage.count({ where: { tags: { has: 't' }, title: { contains: 'SANS', mode: 'insensitive' } } })).toBe(1);
        } finally {
          await db.$disconnect();
        }
      } finally {
        await first.stop();
      }

      const second = await startEmbeddedPostgres({ dataDir });
      const db = createDatabaseClient(second.url, { poolSize: 2 });
      try {
        expect(await db.user.findMany({ select: { id: true } })).toEqual([{ id: 'embedded' }]);
      } finally {
        await db.$disconnect();
        await second.stop();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});
