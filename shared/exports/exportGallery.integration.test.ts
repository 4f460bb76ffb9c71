import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openIntegrationParts } from '../../test/support/integrationParts.js';
import { seedStoredImage, type SeededImage } from '../../test/support/seedImages.js';
import { seedUser } from '../../test/support/seedUser.js';
import { unzip } from '../../test/support/unzip.js';
import { extractWithUnzip, testWithUnzip } from '../../test/support/unzipCli.js';
import type { Database } from '../db/index.js';
import { exportBlob, processedBlob } from '../storage/blobPaths.js';
import type { BlobStore } from '../storage/blobStore.js';
import { DEFAULT_EXPORT_WRITE, type ExportWriteSettings } from './exportContract.js';
import { failExport } from './failExport.js';
import { finishExport, MANIFEST_NAME } from './finishExport.js';
import { deleteExport, findOwnedExport, startExport } from './manageExports.js';
import { planExport } from './planExport.js';
import { presentExports } from './presentExports.js';
import { ENDED_EXPORT_RETENTION_DAYS, forgetEndedExports } from './forgetEndedExports.js';
import { removeExpiredExports } from './removeExpiredExports.js';
import { writeExportChunk } from './writeExportChunk.js';

/** Small chunks and blocks: a few hundred tiny images still make many chunks, each of several blocks. */
const SMALL: ExportWriteSettings = { ...DEFAULT_EXPORT_WRITE, chunkEntries: 40, chunkBytes: 64 * 1024, blockBytes: 4 * 1024 };
const TTL_HOURS = 24;

describe('gallery exports against PostgreSQL and Azurite', () => {
  let close: (() => Promise<void>) | undefined;
  let db: Database;
  let blobs: BlobStore;
  let folder: string;
  const gallery: SeededImage[] = [];
  const started: string[] = [];
  /** The durable client's part that startExport uses, recording what it was asked to start. */
  const starter = {
    startNew: async (_name: string, options?: { instanceId?: string }) => {
      started.push(options!.instanceId!);
      return options!.instanceId!;
    },
  };

  beforeAll(async () => {
    ({ db, blobs, close } = await openIntegrationParts());
    folder = await mkdtemp(path.join(tmpdir(), 'detour-exports-'));
    await seedUser(db, 'exp-ann', { storageLimitBytes: 1024 ** 3, imageLimit: 10_000 });
    await seedUser(db, 'exp-ben');
    for (let batch = 0; batch < 30; batch += 1) {
      const seeded = await Promise.all(
        Array.from({ length: 10 }, (_, n) =>
          seedStoredImage(db, blobs, 'exp-ann', {
            title: n === 0 ? 'Été à la plage' : undefined,
            isFavorite: batch < 3,
            createdAt: new Date(Date.UTC(2026, 0, 1, 0, batch, n)),
          }),
        ),
      );
      gallery.push(...seeded);
    }
  }, 180_000);
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
    await close?.();
  });

  // Every test starts with no export, so each may start one.
  afterEach(async () => {
    await db.galleryExport.deleteMany();
  });

  async function start(userId: string, request: Parameters<typeof startExport>[0]['request']) {
    return startExport({ db, starter, userId, request });
  }

  /** The orchestration's steps, in its order, until the export is ready or stops. */
  async function runToEnd(exportId: string, settings: ExportWriteSettings, now = new Date()) {
    expect(await planExport({ db, exportId })).toEqual({ state: 'planned' });
    let chunks = 0;
    for (;;) {
      const chunk = await writeExportChunk({ db, blobs, exportId, settings });
      chunks += 1;
      if (chunk.state === 'stopped') return { state: 'stopped' as const, chunks };
      if (chunk.state === 'complete') break;
    }
    const finished = await finishExport({ db, blobs, exportId, settings, ttlHours: TTL_HOURS, now });
    return { state: finished.state, chunks };
  }

  /** The archive on disk, checked by Info-ZIP (`unzip -t`) and read entry by entry by yauzl (duplicates fail). */
  async function readArchive(userId: string, exportId: string) {
    const zip = await blobs.readAll(exportBlob(userId, exportId));
    const zipPath = path.join(folder, `${exportId}.zip`);
    await writeFile(zipPath, zip);
    expect(await testWithUnzip(zipPath)).toContain('No errors detected');
    return { zip, zipPath, entries: await unzip(zip) };
  }

  function expectImages(entries: Map<string, Buffer>, images: readonly SeededImage[]) {
    for (const seeded of images) {
      const names = [...entries.keys()].filter((name) => name.includes(seeded.image.id));
      expect(names).toHaveLength(1);
      expect(entries.get(names[0]!)).toEqual(seeded.processed);
    }
  }

  it('exports a whole gallery of 300 images in chunks to an archive that unzips byte-identical', async () => {
    const row = await start('exp-ann', { variant: 'processed' });
    expect(row.status).toBe('queued');
    expect(started).toContain(row.id);
    const run = await runToEnd(row.id, SMALL);
    expect(run.state).toBe('ready');
    expect(run.chunks).toBeGreaterThan(300 / SMALL.chunkEntries);

    const { zipPath, entries } = await readArchive('exp-ann', row.id);
    expect(entries.size).toBe(301);
    expectImages(entries, gallery);
    const target = path.join(folder, 'whole');
    await extractWithUnzip(zipPath, target);
    expect(await readdir(target)).toHaveLength(301);
    for (const seeded of gallery.slice(0, 20)) {
      const name = [...entries.keys()].find((entryName) => entryName.includes(seeded.image.id))!;
      expect(await readFile(path.join(target, name))).toEqual(seeded.processed);
    }
    expect([...entries.keys()]).toContain(`Ete-a-la-plage_${gallery[0]!.image.id}.png`);
    const manifest = entries.get(MANIFEST_NAME)!.toString('utf8');
    expect(manifest.split('\n').filter((line) => /\.png\t\d+\t[0-9a-f]{8}$/.test(line))).toHaveLength(300);

    const stored = await db.galleryExport.findUniqueOrThrow({ where: { id: row.id } });
    expect(stored).toMatchObject({ status: 'ready', done: 300, total: 300 });
    expect(stored.blockCount).toBeGreaterThan(run.chunks);
    const [resource] = await presentExports({ db, blobs, readTtlMinutes: 5 }, [stored]);
    expect(resource).toMatchObject({ status: 'ready', progress: { done: 300, total: 300 }, skipped: [], skippedCount: 0 });
    const download = await fetch(resource!.url!);
    expect(download.headers.get('content-disposition')).toMatch(/^attachment; filename="detour-export-\d{4}-\d{2}-\d{2}\.zip"/);
    expect(Buffer.from(await download.arrayBuffer()).length).toBe(Number(stored.bytes));
    // Exports are not counted against the quota.
    expect((await db.user.findUniqueOrThrow({ where: { id: 'exp-ann' } })).storageUsed).toBe(
      gallery.reduce((sum, seeded) => sum + seeded.image.storageBytes, 0n),
    );
  });

  it('resumes an export whose chunk died after staging some blocks, with no entry twice or missing', async () => {
    const row = await start('exp-ann', { filter: { favorite: true }, variant: 'both' });
    // Blocks of 1 KiB: a chunk of 40 small images stages a dozen.
    const settings: ExportWriteSettings = { ...SMALL, blockBytes: 1024 };
    await planExport({ db, exportId: row.id });
    expect(await writeExportChunk({ db, blobs, exportId: row.id, settings })).toEqual({ state: 'more' });
    const afterFirst = await db.galleryExport.findUniqueOrThrow({ where: { id: row.id } });

    let staged = 0;
    const dying = {
      openSizedReadStream: blobs.openSizedReadStream.bind(blobs),
      stageBlock: async (...args: Parameters<BlobStore['stageBlock']>) => {
        if (staged++ === 3) throw new Error('the host was killed');
        return blobs.stageBlock(...args);
      },
    };
    await expect(writeExportChunk({ db, blobs: dying, exportId: row.id, settings })).rejects.toThrow('the host was killed');
    expect(staged).toBe(4);
    // Nothing of the dead chunk was recorded: the next run redoes exactly it.
    expect(await db.galleryExport.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({
      done: afterFirst.done,
      bytes: afterFirst.bytes,
      blockCount: afterFirst.blockCount,
    });

    for (;;) {
      const chunk = await writeExportChunk({ db, blobs, exportId: row.id, settings });
      if (chunk.state === 'complete') break;
    }
    expect(await finishExport({ db, blobs, exportId: row.id, settings, ttlHours: TTL_HOURS })).toEqual({ state: 'ready' });
    // A duplicate delivery of the last step changes nothing.
    expect(await finishExport({ db, blobs, exportId: row.id, settings, ttlHours: TTL_HOURS })).toEqual({ state: 'ready' });

    const favourites = gallery.slice(0, 30);
    const { entries } = await readArchive('exp-ann', row.id);
    expect(entries.size).toBe(61);
    for (const seeded of favourites) {
      const stem = [...entries.keys()].find((name) => name.includes(seeded.image.id))!.split(`_${seeded.image.id}`)[0];
      expect(entries.get(`${stem}_${seeded.image.id}_original.png`)).toEqual(seeded.original);
      expect(entries.get(`${stem}_${seeded.image.id}_processed.png`)).toEqual(seeded.processed);
    }
  });

  it('writes ZIP64 records when the limits are reached (forced small), and Info-ZIP reads them', async () => {
    const ids = gallery.slice(0, 30).map((seeded) => seeded.image.id);
    const row = await start('exp-ann', { ids, variant: 'processed' });
    const zip64: ExportWriteSettings = { ...SMALL, zipLimits: { maxValue: 2_000, maxEntries: 10 } };
    expect((await runToEnd(row.id, zip64)).state).toBe('ready');
    const { zip, zipPath, entries } = await readArchive('exp-ann', row.id);
    expect(zip.includes(Buffer.from([0x50, 0x4b, 0x06, 0x06]))).toBe(true);
    expect(entries.size).toBe(31);
    expectImages(entries, gallery.slice(0, 30));
    const target = path.join(folder, 'zip64');
    await extractWithUnzip(zipPath, target);
    expect(await readdir(target)).toHaveLength(31);
  });

  it('lists what it skipped — ids not in the gallery, images deleted or whose file is gone meanwhile — in the resource and MANIFEST.txt', async () => {
    const bens = await seedStoredImage(db, blobs, 'exp-ben');
    const [kept, deleted, lost] = gallery.slice(40, 43);
    const row = await start('exp-ann', { ids: [kept!.image.id, deleted!.image.id, lost!.image.id, bens.image.id], variant: 'processed' });
    await planExport({ db, exportId: row.id });
    await db.userImage.update({ where: { id: deleted!.image.id }, data: { deletedAt: new Date() } });
    await blobs.delete(processedBlob('exp-ann', lost!.image.id));
    for (;;) if ((await writeExportChunk({ db, blobs, exportId: row.id, settings: SMALL })).state === 'complete') break;
    await finishExport({ db, blobs, exportId: row.id, settings: SMALL, ttlHours: TTL_HOURS });

    const [resource] = await presentExports({ db, blobs, readTtlMinutes: 5 }, [await findOwnedExport(db, 'exp-ann', row.id)]);
    expect(resource!.skipped).toEqual([
      { id: deleted!.image.id, reason: 'deleted' },
      { id: lost!.image.id, reason: 'missing_file' },
      { id: bens.image.id, reason: 'not_found' },
    ]);
    expect(resource!.skippedCount).toBe(3);
    const { entries } = await readArchive('exp-ann', row.id);
    expect(entries.size).toBe(2);
    expectImages(entries, [kept!]);
    const manifest = entries.get(MANIFEST_NAME)!.toString('utf8');
    expect(manifest).toContain(`${deleted!.image.id}\tprocessed\tdeleted`);
    expect(manifest).toContain(`${lost!.image.id}\tprocessed\tmissing_file`);
    expect(manifest).toContain(`${bens.image.id}\tprocessed\tnot_found`);
    // Ben's image is not named anywhere else in the archive.
    expect([...entries.keys()].some((name) => name.includes(bens.image.id))).toBe(false);
  });

  it('lets a user run one export at a time, even when two requests race', async () => {
    const results = await Promise.allSettled([start('exp-ann', { variant: 'processed' }), start('exp-ann', { variant: 'original' })]);
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((result) => result.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toMatchObject({ code: 'export_in_progress' });
    // Another user is not held up.
    const bens = await start('exp-ben', { variant: 'processed' });
    expect(bens.status).toBe('queued');
    // A finished export does not hold the next one up either.
    const running = (results.find((result) => result.status === 'fulfilled') as PromiseFulfilledResult<{ id: string }>).value;
    expect((await runToEnd(running.id, SMALL)).state).toBe('ready');
    const next = await start('exp-ann', { ids: [gallery[0]!.image.id], variant: 'processed' });
    expect(next.status).toBe('queued');
  });

  it('marks an export failed when its orchestration cannot start, so it does not block the next', async () => {
    const broken = { startNew: async () => Promise.reject(new Error('task hub unavailable')) };
    await expect(startExport({ db, starter: broken, userId: 'exp-ann', request: { variant: 'processed' } })).rejects.toThrow('task hub');
    const [failed] = await db.galleryExport.findMany({ where: { userId: 'exp-ann' } });
    expect(failed).toMatchObject({ status: 'failed' });
    expect((await start('exp-ann', { variant: 'processed' })).status).toBe('queued');
  });

  it('answers not_found for another user’s export, and touches nothing', async () => {
    const row = await start('exp-ann', { ids: [gallery[1]!.image.id], variant: 'processed' });
    await runToEnd(row.id, SMALL);
    await expect(findOwnedExport(db, 'exp-ben', row.id)).rejects.toMatchObject({ code: 'not_found' });
    await expect(deleteExport({ db, blobs, userId: 'exp-ben', exportId: row.id })).rejects.toMatchObject({ code: 'not_found' });
    expect(await db.galleryExport.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: 'ready' });
    expect(await blobs.sizeOf(exportBlob('exp-ann', row.id))).toBeGreaterThan(0);
    await deleteExport({ db, blobs, userId: 'exp-ann', exportId: row.id });
    expect(await blobs.sizeOf(exportBlob('exp-ann', row.id))).toBeUndefined();
    expect(await db.galleryExport.findUnique({ where: { id: row.id } })).toBeNull();
  });

  it('stops a running export that is deleted at its next chunk, leaving no archive', async () => {
    const row = await start('exp-ann', { variant: 'processed' });
    await planExport({ db, exportId: row.id });
    expect(await writeExportChunk({ db, blobs, exportId: row.id, settings: SMALL })).toEqual({ state: 'more' });
    await deleteExport({ db, blobs, userId: 'exp-ann', exportId: row.id });
    expect(await writeExportChunk({ db, blobs, exportId: row.id, settings: SMALL })).toEqual({ state: 'stopped' });
    expect(await finishExport({ db, blobs, exportId: row.id, settings: SMALL, ttlHours: TTL_HOURS })).toEqual({ state: 'stopped' });
    expect(await blobs.sizeOf(exportBlob('exp-ann', row.id))).toBeUndefined();
  });

  it('records export.ready for subscribed webhooks in the transaction that marks it ready', async () => {
    const webhook = await db.webhook.create({
      data: { userId: 'exp-ann', url: 'https://example.com/hook', events: ['export.ready'], sealedSecret: 'unused-here' },
    });
    const row = await start('exp-ann', { ids: [gallery[2]!.image.id], variant: 'processed' });
    await runToEnd(row.id, SMALL);
    const deliveries = await db.webhookDelivery.findMany({ where: { webhookId: webhook.id } });
    expect(deliveries).toHaveLength(1);
    const body = JSON.parse(deliveries[0]!.body);
    expect(body).toMatchObject({ type: 'export.ready', data: { id: row.id, status: 'ready', progress: { done: 1, total: 1 } } });
    expect(body.data.url).toBeUndefined();
    await db.webhook.delete({ where: { id: webhook.id } });
  });

  it('marks an export whose steps kept failing failed, with its export.failed event, once', async () => {
    const webhook = await db.webhook.create({
      data: { userId: 'exp-ann', url: 'https://example.com/hook', events: ['export.failed'], sealedSecret: 'unused-here' },
    });
    const row = await start('exp-ann', { variant: 'processed' });
    await planExport({ db, exportId: row.id });
    await failExport({ db, exportId: row.id, message: 'Writing the archive kept failing.' });
    await failExport({ db, exportId: row.id, message: 'A second delivery of the step.' });
    const [resource] = await presentExports({ db, blobs, readTtlMinutes: 5 }, [await findOwnedExport(db, 'exp-ann', row.id)]);
    expect(resource).toMatchObject({ status: 'failed', error: 'Writing the archive kept failing.', url: null });
    const deliveries = await db.webhookDelivery.findMany({ where: { webhookId: webhook.id } });
    expect(deliveries.map((delivery) => JSON.parse(delivery.body))).toMatchObject([
      { type: 'export.failed', data: { id: row.id, status: 'failed' } },
    ]);
    // A failed export holds nothing up, and its orchestration's further steps do nothing.
    expect(await writeExportChunk({ db, blobs, exportId: row.id, settings: SMALL })).toEqual({ state: 'stopped' });
    expect((await start('exp-ann', { variant: 'processed' })).status).toBe('queued');
    await db.webhook.delete({ where: { id: webhook.id } });
  });

  it('removes expired archives and marks them expired, in bounded batches (injected clock)', async () => {
    const readyAt = new Date('2026-03-01T12:00:00Z');
    const ids: string[] = [];
    for (const seeded of gallery.slice(50, 53)) {
      const row = await start('exp-ann', { ids: [seeded.image.id], variant: 'processed' });
      await runToEnd(row.id, SMALL, readyAt);
      ids.push(row.id);
    }
    const justBefore = new Date(readyAt.getTime() + TTL_HOURS * 3_600_000 - 1);
    expect(await removeExpiredExports({ db, blobs, now: justBefore })).toEqual([]);
    const after = new Date(readyAt.getTime() + TTL_HOURS * 3_600_000);
    const [resource] = await presentExports({ db, blobs, readTtlMinutes: 5, now: after }, [await findOwnedExport(db, 'exp-ann', ids[0]!)]);
    // Past its expiry an export shows as expired, with no link, even before the timer ran.
    expect(resource).toMatchObject({ status: 'expired', url: null, expiresAt: null });

    expect(await removeExpiredExports({ db, blobs, now: after, batchSize: 2 })).toHaveLength(2);
    expect(await removeExpiredExports({ db, blobs, now: after, batchSize: 2 })).toHaveLength(1);
    expect(await removeExpiredExports({ db, blobs, now: after, batchSize: 2 })).toEqual([]);
    for (const id of ids) {
      expect(await db.galleryExport.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: 'expired' });
      expect(await blobs.sizeOf(exportBlob('exp-ann', id))).toBeUndefined();
    }
  });

  it('forgets exports that ended more than 30 days ago, with their entries, and keeps every other export', async () => {
    const readyAt = new Date('2026-03-01T12:00:00Z');
    const expired = await start('exp-ann', { ids: [gallery[60]!.image.id], variant: 'processed' });
    await runToEnd(expired.id, SMALL, readyAt);
    expect(await removeExpiredExports({ db, blobs, now: new Date(readyAt.getTime() + TTL_HOURS * 3_600_000) })).toEqual([expired.id]);
    const failed = await start('exp-ann', { ids: [gallery[61]!.image.id], variant: 'processed' });
    expect(await planExport({ db, exportId: failed.id })).toEqual({ state: 'planned' });
    await failExport({ db, exportId: failed.id, message: 'Writing the archive kept failing.' });
    const ready = await start('exp-ann', { ids: [gallery[62]!.image.id], variant: 'processed' });
    await runToEnd(ready.id, SMALL, readyAt);
    const queued = await start('exp-ann', { ids: [gallery[63]!.image.id], variant: 'processed' });
    const endedIds = [expired.id, failed.id];
    expect(await db.galleryExportItem.count({ where: { exportId: { in: endedIds } } })).toBe(2);

    // Both ended now, by the real clock (their rows' updatedAt): not yet 30 days ago.
    const day = 86_400_000;
    expect(await forgetEndedExports({ db, now: new Date(Date.now() + (ENDED_EXPORT_RETENTION_DAYS - 1) * day) })).toBe(0);
    const later = new Date(Date.now() + ENDED_EXPORT_RETENTION_DAYS * day + 60_000);
    expect(await forgetEndedExports({ db, now: later, batchSize: 1 })).toBe(1);
    expect(await forgetEndedExports({ db, now: later, batchSize: 1 })).toBe(1);
    expect(await forgetEndedExports({ db, now: later, batchSize: 1 })).toBe(0);
    expect(await db.galleryExport.count({ where: { id: { in: endedIds } } })).toBe(0);
    expect(await db.galleryExportItem.count({ where: { exportId: { in: endedIds } } })).toBe(0);
    const kept = await db.galleryExport.findMany({ where: { userId: 'exp-ann' }, orderBy: { createdAt: 'asc' } });
    expect(kept.map((row) => [row.id, row.status])).toEqual([
      [ready.id, 'ready'],
      [queued.id, 'queued'],
    ]);
    expect(await db.galleryExportItem.count({ where: { exportId: ready.id } })).toBe(1);
  });
});
