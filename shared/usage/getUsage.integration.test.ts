import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/support/database.js';
import { seedUser } from '../../test/support/seedUser.js';
import type { Database, ImageQuality, ImageStatus } from '../db/index.js';
import { getUsage } from './getUsage.js';

interface Row {
  fileType: string;
  status: ImageStatus;
  quality?: ImageQuality;
  processingTime?: number;
  deleted?: boolean;
  /** In the trash, holding these bytes. */
  trashedBytes?: bigint;
}

/** PostgreSQL's percentile_cont: linear interpolation between the two closest ranks. */
function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const position = fraction * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (position - below);
}

describe('usage statistics against PostgreSQL', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let db: Database;

  const insert = (userId: string, rows: Row[]) =>
    db.userImage.createMany({
      data: rows.map((row, n) => ({
        userId,
        originalName: `img${n}`,
        fileType: row.fileType,
        fileSize: 10n,
        originalPath: `${userId}/img${n}`,
        status: row.status,
        quality: row.quality ?? null,
        processingTime: row.processingTime ?? null,
        deletedAt: row.deleted ? new Date() : null,
        trashedAt: row.trashedBytes === undefined ? null : new Date(),
        storageBytes: row.trashedBytes ?? 0n,
      })),
    });

  beforeAll(async () => {
    database = await createTestDatabase();
    db = database.db;
    await seedUser(db, 'use-ann', { storageLimitBytes: 5_000_000, imageLimit: 40 });
    await seedUser(db, 'use-ben');
    await seedUser(db, 'use-new');
  });
  afterAll(() => database?.drop());

  it('counts by type, status and quality, and times processing, from the caller’s gallery images only, and sums the trash', async () => {
    const qualities: ImageQuality[] = ['excellent', 'good', 'good', 'fair'];
    const times = Array.from({ length: 23 }, (_, n) => 500 + ((n * 7919) % 4000));
    const rows: Row[] = [
      ...times.map((processingTime, n) => ({
        fileType: n % 3 ? 'image/jpeg' : 'image/png',
        status: 'ready' as const,
        quality: qualities[n % 4],
        processingTime,
      })),
      { fileType: 'image/webp', status: 'pending_upload' },
      { fileType: 'image/webp', status: 'queued' },
      { fileType: 'image/avif', status: 'processing' },
      { fileType: 'image/jpeg', status: 'failed' },
      { fileType: 'image/jpeg', status: 'failed' },
      { fileType: 'image/png', status: 'ready', quality: 'fair', processingTime: 99_999, deleted: true },
      { fileType: 'image/heic', status: 'ready', quality: 'excellent', processingTime: 88_888, trashedBytes: 1_000n },
      { fileType: 'image/png', status: 'failed', trashedBytes: 234n },
      { fileType: 'image/png', status: 'ready', quality: 'good', processingTime: 77_777, trashedBytes: 50_000n, deleted: true },
    ];
    await insert('use-ann', rows);
    await insert('use-ben', [
      { fileType: 'image/gif', status: 'ready', quality: 'excellent', processingTime: 1 },
      { fileType: 'image/gif', status: 'ready', trashedBytes: 7n },
    ]);
    await db.user.update({ where: { id: 'use-ann' }, data: { storageUsed: 1_234_567n } });
    await db.storageQuota.update({ where: { userId: 'use-ann' }, data: { imageCount: 29 } });

    const live = rows.filter((row) => !row.deleted && row.trashedBytes === undefined);
    const countBy = (key: (row: Row) => string | undefined) =>
      live.reduce<Record<string, number>>((counts, row) => {
        const value = key(row);
        if (value !== undefined) counts[value] = (counts[value] ?? 0) + 1;
        return counts;
      }, {});
    expect(await getUsage({ db, userId: 'use-ann' })).toEqual({
      storageUsed: 1_234_567,
      storageLimit: 5_000_000,
      imageCount: 29,
      imageLimit: 40,
      byType: countBy((row) => row.fileType),
      byStatus: { pending_upload: 0, queued: 0, processing: 0, ready: 0, failed: 0, ...countBy((row) => row.status) },
      processing: { avgMs: Math.round(times.reduce((a, b) => a + b, 0) / times.length), p95Ms: Math.round(percentile(times, 0.95)) },
      quality: { excellent: 0, good: 0, fair: 0, ...countBy((row) => row.quality) },
      trash: { images: 2, bytes: 1_234 },
    });
  });

  it('reports zeros and no timing for a user without images', async () => {
    expect(await getUsage({ db, userId: 'use-new' })).toEqual({
      storageUsed: 0,
      storageLimit: 1024 ** 3,
      imageCount: 0,
      imageLimit: 100,
      byType: {},
      byStatus: { pending_upload: 0, queued: 0, processing: 0, ready: 0, failed: 0 },
      processing: { avgMs: null, p95Ms: null },
      quality: { excellent: 0, good: 0, fair: 0 },
      trash: { images: 0, bytes: 0 },
    });
  });
});
