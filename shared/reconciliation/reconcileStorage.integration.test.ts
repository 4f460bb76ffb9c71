import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzurite, type RunningAzurite } from '../../devhost/azurite.js';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.js';
import { seedStoredImage } from '../../test/support/seedImages.js';
import { seedUser } from '../../test/support/seedUser.js';
import { ORIGINAL_MISSING } from '../images/imageErrors.js';
import {
  CONTAINERS,
  intakeBlob,
  originalBlob,
  previewBlob,
  processedBlob,
  thumbnailBlob,
  type BlobLocation,
} from '../storage/blobPaths.js';
import { BlobStore } from '../storage/blobStore.js';
import { reconcileStorage, type ReconcileStorageOptions } from './reconcileStorage.js';

/**
 * Each repair of the reconciliation against real storage and a real database. The file has an Azurite
 * of its own: a sweep of whole containers must not see other files' blobs.
 */
describe('reconcileStorage', () => {
  let azurite: RunningAzurite;
  let database: TestDatabase;
  let blobs: BlobStore;
  let events: { event: string; fields: Record<string, unknown> }[];

  const GRACE_MINUTES = 60;
  /** An instant after the grace period of everything this file writes. */
  const later = () => new Date(Date.now() + 2 * GRACE_MINUTES * 60_000);
  const run = (options: Partial<ReconcileStorageOptions> = {}) =>
    reconcileStorage({
      db: database.db,
      blobs,
      log: (event, fields) => events.push({ event, fields }),
      graceMinutes: GRACE_MINUTES,
      batchSize: 500,
      maxPixels: 50_000_000,
      now: later(),
      ...options,
    });
  const exists = async (location: BlobLocation) => (await blobs.sizeOf(location)) !== undefined;

  beforeAll(async () => {
    azurite = await startAzurite();
    database = await createTestDatabase();
    blobs = BlobStore.fromSettings({ connectionString: azurite.connectionString });
    await blobs.ensureContainers();
  });
  afterAll(async () => {
    await database?.drop();
    await azurite?.stop();
  });

  /** Each test starts from empty storage, no users, no images and no cursors. */
  async function emptyStorage() {
    for (const container of Object.values(CONTAINERS)) {
      for await (const blob of blobs.client.getContainerClient(container).listBlobsFlat()) {
        await blobs.delete({ container, name: blob.name });
      }
    }
    await database.db.reconciliationCursor.deleteMany();
    await database.db.user.deleteMany();
    events = [];
  }

  it('removes blobs no row accounts for once past the grace period, and keeps every blob a row expects', async () => {
    await emptyStorage();
    await seedUser(database.db, 'rec-orphans');
    const ready = await seedStoredImage(database.db, blobs, 'rec-orphans');
    const pending = await seedStoredImage(database.db, blobs, 'rec-orphans', { status: 'pending_upload' });
    await blobs.upload(intakeBlob('rec-orphans', pending.image.id), Buffer.from('in flight'), 'image/png');
    const orphans = [
      intakeBlob('rec-orphans', ready.image.id),
      intakeBlob('rec-orphans', 'c0nosuchimage000000000001'),
      originalBlob('rec-orphans', 'c0nosuchimage000000000002', 'image/jpeg'),
      originalBlob('rec-orphans', ready.image.id, 'image/jpeg'),
      processedBlob('rec-orphans', 'c0nosuchimage000000000003'),
      thumbnailBlob('rec-orphans', pending.image.id),
      { container: CONTAINERS.processed, name: 'not-a-product-name.txt' },
    ];
    for (const orphan of orphans) await blobs.upload(orphan, Buffer.from('orphan'), 'application/octet-stream');
    await blobs.client.getContainerClient(CONTAINERS.uploads).getBlobClient(orphans[1]!.name).createSnapshot();

    // Within the grace period nothing goes: a step may be writing those blobs.
    expect(await run({ now: new Date() })).toMatchObject({ removedBlobs: 0 });
    for (const orphan of orphans) expect(await exists(orphan)).toBe(true);

    expect(await run()).toMatchObject({ removedBlobs: orphans.length });
    for (const orphan of orphans) expect(await exists(orphan)).toBe(false);
    const left = [];
    for await (const blob of blobs.client.getContainerClient(CONTAINERS.uploads).listBlobsFlat({ includeSnapshots: true }))
      left.push(blob.name);
    expect(left).toEqual([intakeBlob('rec-orphans', pending.image.id).name]);
    for (const location of [
      { container: CONTAINERS.originals, name: ready.image.originalPath },
      processedBlob('rec-orphans', ready.image.id),
      thumbnailBlob('rec-orphans', ready.image.id),
    ]) {
      expect(await exists(location)).toBe(true);
    }
    expect(events.filter((event) => event.fields.repair === 'remove_blob')).toHaveLength(orphans.length);
  });

  it('works through a container in bounded batches, resuming where the last run stopped', async () => {
    await emptyStorage();
    const orphans = ['01', '02', '03', '04', '05'].map((n) => processedBlob('rec-batches', `c0batchorphan0000000000${n}`));
    for (const orphan of orphans) await blobs.upload(orphan, Buffer.from('orphan'), 'image/png');
    const removedPerRun = [];
    for (let runs = 0; runs < 3; runs += 1) removedPerRun.push((await run({ batchSize: 2 })).removedBlobs);
    expect(removedPerRun).toEqual([2, 2, 1]);
    for (const orphan of orphans) expect(await exists(orphan)).toBe(false);
    expect(await database.db.reconciliationCursor.findUnique({ where: { task: `orphanBlobs:${CONTAINERS.processed}` } })).toMatchObject({
      position: null,
    });
  });

  it('makes a ready image whose output is gone again from its original', async () => {
    await emptyStorage();
    await seedUser(database.db, 'rec-reprocess');
    const { image, original } = await seedStoredImage(database.db, blobs, 'rec-reprocess');
    await blobs.delete(thumbnailBlob('rec-reprocess', image.id));

    const { toProcess } = await run();

    expect(toProcess).toEqual([image.id]);
    const row = await database.db.userImage.findUniqueOrThrow({ where: { id: image.id } });
    expect(row).toMatchObject({ status: 'queued', processedPath: null, thumbnailPath: null, storageBytes: BigInt(original.length) });
    const user = await database.db.user.findUniqueOrThrow({ where: { id: 'rec-reprocess' } });
    expect(user.storageUsed).toBe(BigInt(original.length));
    expect(events).toContainEqual({
      event: 'reconciliation_repair',
      fields: { repair: 'reprocess', imageId: image.id, userId: 'rec-reprocess', missing: ['thumbnail'] },
    });
  });

  it('gives a ready image made before previews existed its preview, from its cut-out, counted in the quota', async () => {
    await emptyStorage();
    await seedUser(database.db, 'rec-old');
    const { image, processed } = await seedStoredImage(database.db, blobs, 'rec-old', { withoutPreview: true });
    const usedBefore = (await database.db.user.findUniqueOrThrow({ where: { id: 'rec-old' } })).storageUsed;

    const { toProcess } = await run();

    // No remover call: nothing to make again from the original.
    expect(toProcess).toEqual([]);
    const row = await database.db.userImage.findUniqueOrThrow({ where: { id: image.id } });
    const stored = await blobs.sizeOf(previewBlob('rec-old', image.id));
    expect(stored).toBeGreaterThan(0);
    expect(row).toMatchObject({ status: 'ready', previewPath: previewBlob('rec-old', image.id).name, previewSize: BigInt(stored!) });
    expect(row.storageBytes).toBe(image.storageBytes + BigInt(stored!));
    expect((await database.db.user.findUniqueOrThrow({ where: { id: 'rec-old' } })).storageUsed).toBe(usedBefore + BigInt(stored!));
    // A WebP of the cut-out's width (the seeded cut-out is opaque and small: WebP keeps no alpha it does not need).
    const preview = await sharp(await blobs.readAll(previewBlob('rec-old', image.id))).metadata();
    const cutout = await sharp(processed).metadata();
    expect(preview).toMatchObject({ format: 'webp', width: Math.min(cutout.width, 1600), height: Math.min(cutout.height, 1600) });
    expect(events.filter((event) => event.event === 'reconciliation_repair')).toEqual([
      { event: 'reconciliation_repair', fields: { repair: 'add_preview', imageId: image.id, userId: 'rec-old', bytes: stored } },
    ]);

    // Done once: the next run finds nothing to add, and the quota recount agrees with the row.
    events = [];
    await run();
    expect(events).toEqual([]);
  });

  it('reports a stored cut-out that does not decode and goes on with the other images', async () => {
    await emptyStorage();
    await seedUser(database.db, 'rec-broken');
    const broken = await seedStoredImage(database.db, blobs, 'rec-broken', { withoutPreview: true });
    const fine = await seedStoredImage(database.db, blobs, 'rec-broken', { withoutPreview: true });
    const corrupt = Buffer.from('not a png at all');
    await blobs.upload(processedBlob('rec-broken', broken.image.id), corrupt, 'image/png');
    await database.db.userImage.update({
      where: { id: broken.image.id },
      data: { processedSize: corrupt.length, storageBytes: broken.image.storageBytes - BigInt(broken.processed!.length - corrupt.length) },
    });

    await run();

    const repairs = events.filter((event) => event.event === 'reconciliation_repair').map((event) => event.fields);
    expect(repairs).toContainEqual(expect.objectContaining({ repair: 'add_preview_failed', imageId: broken.image.id }));
    expect(repairs).toContainEqual(expect.objectContaining({ repair: 'add_preview', imageId: fine.image.id }));
    expect(await database.db.userImage.findUniqueOrThrow({ where: { id: broken.image.id } })).toMatchObject({ previewPath: null });
  });

  it('marks a ready image failed with original_missing when its original is gone too, and frees its bytes', async () => {
    await emptyStorage();
    await seedUser(database.db, 'rec-lost');
    const { image } = await seedStoredImage(database.db, blobs, 'rec-lost');
    const kept = await seedStoredImage(database.db, blobs, 'rec-lost');
    await blobs.delete({ container: CONTAINERS.originals, name: image.originalPath });
    await blobs.delete(processedBlob('rec-lost', image.id));

    const { toProcess } = await run();

    expect(toProcess).toEqual([]);
    const row = await database.db.userImage.findUniqueOrThrow({ where: { id: image.id } });
    expect(row).toMatchObject({ status: 'failed', errorCode: ORIGINAL_MISSING, thumbnailPath: null, storageBytes: 0n });
    expect(await exists(thumbnailBlob('rec-lost', image.id))).toBe(false);
    const user = await database.db.user.findUniqueOrThrow({ where: { id: 'rec-lost' }, include: { quota: true } });
    expect(user.storageUsed).toBe(kept.image.storageBytes);
    // The failed image stays in the gallery (with its message) until its owner deletes it.
    expect(user.quota?.imageCount).toBe(2);
  });

  it("recounts each user's counters from the real blob sizes and logs the drift", async () => {
    await emptyStorage();
    await seedUser(database.db, 'rec-drift');
    const { image, original, thumbnail } = await seedStoredImage(database.db, blobs, 'rec-drift');
    // Storage changed under the row (an operator restored another file), and the counters drifted.
    const bigger = Buffer.concat([thumbnail!, Buffer.alloc(1000)]);
    await blobs.upload(thumbnailBlob('rec-drift', image.id), bigger, 'image/webp');
    await database.db.user.update({ where: { id: 'rec-drift' }, data: { storageUsed: 5n } });
    await database.db.storageQuota.update({ where: { userId: 'rec-drift' }, data: { imageCount: 7 } });

    await run();

    const row = await database.db.userImage.findUniqueOrThrow({ where: { id: image.id } });
    const stored = original.length + Number(row.processedSize) + bigger.length + Number(row.previewSize);
    expect(row.storageBytes).toBe(BigInt(stored));
    const user = await database.db.user.findUniqueOrThrow({ where: { id: 'rec-drift' }, include: { quota: true } });
    expect(user.storageUsed).toBe(BigInt(stored));
    expect(user.quota?.imageCount).toBe(1);
    expect(events).toContainEqual({
      event: 'quota_drift',
      fields: {
        userId: 'rec-drift',
        storageUsedBefore: 5n + 1000n,
        storageUsedAfter: BigInt(stored),
        imageCountBefore: 7,
        imageCountAfter: 1,
      },
    });

    events = [];
    await run();
    expect(events.filter((event) => event.event === 'quota_drift' || event.fields.repair === 'resettle')).toEqual([]);
  });

  it('restarts images whose run was lost: queued or processing past the grace period', async () => {
    await emptyStorage();
    await seedUser(database.db, 'rec-stalled');
    const { image } = await seedStoredImage(database.db, blobs, 'rec-stalled', { status: 'queued' });
    expect((await run({ now: new Date() })).toProcess).toEqual([]);
    expect((await run()).toProcess).toEqual([image.id]);
  });
});
