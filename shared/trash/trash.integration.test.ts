import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openIntegrationParts } from '../../test/support/integrationParts.js';
import { expectQuotaMatches as expectQuotaMatchesStorage } from '../../test/support/quotaInvariants.js';
import { seedStoredImage, type SeededImage } from '../../test/support/seedImages.js';
import { seedUser } from '../../test/support/seedUser.js';
import { unreachableBlobStore } from '../../test/support/unreachableBlobStore.js';
import { TEST_UPLOAD_SETTINGS } from '../../test/support/uploadSettings.js';
import type { Database, UserImage } from '../db/index.js';
import { listGallery } from '../gallery/listGallery.js';
import { openGalleryZip } from '../gallery/openGalleryZip.js';
import { validate } from '../http/parseInput.js';
import { deleteImage } from '../images/deleteImage.js';
import { deleteImages } from '../images/deleteImages.js';
import { findOwnedImage } from '../images/findOwnedImage.js';
import { removeAbandonedUpload } from '../images/imageLifecycle.js';
import { purgeDeletedImages } from '../images/purgeDeletedImages.js';
import { updateImage } from '../images/updateImage.js';
import { CONTAINERS, previewBlob, processedBlob, thumbnailBlob } from '../storage/blobPaths.js';
import type { BlobStore } from '../storage/blobStore.js';
import { createShareLink } from '../sharing/createShareLink.js';
import { openSharedImage } from '../sharing/openSharedImage.js';
import { requestUpload } from '../uploads/requestUpload.js';
import { getUsage } from '../usage/getUsage.js';
import { emptyTrash } from './emptyTrash.js';
import { listTrash } from './listTrash.js';
import { purgeExpiredTrash } from './purgeExpiredTrash.js';
import { restoreTrash } from './restoreTrash.js';
import { trashImages } from './trashImages.js';
import { trashDeleteRequestSchema, trashRestoreRequestSchema } from './trashSchemas.js';

const CURSOR_SECRET = 'trash-test-cursor-secret-0123456789abcdef';
const DAY = 86_400_000;
const RETENTION_DAYS = 30;

describe('the trash against PostgreSQL and Azurite', () => {
  let close: (() => Promise<void>) | undefined;
  let db: Database;
  let blobs: BlobStore;
  let unreachableBlobs: BlobStore;

  beforeAll(async () => {
    ({ db, blobs, close } = await openIntegrationParts());
    unreachableBlobs = unreachableBlobStore(blobs, inject('azuriteConnectionString'));
    for (const user of ['trash-ann', 'trash-ben', 'trash-cat', 'trash-dan', 'trash-eve', 'trash-fay']) await seedUser(db, user);
  });
  afterAll(() => close?.());

  const expectQuotaMatches = (userId: string) => expectQuotaMatchesStorage(db, blobs, userId);
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (error: unknown) => error,
    );
  const galleryIds = async (userId: string) =>
    (
      await listGallery({ db, blobs, cursorSecret: CURSOR_SECRET, readTtlMinutes: 60, userId, query: { limit: 100, sort: 'newest' } })
    ).items.map((item) => item.id);
  const trashPage = (userId: string, query: { limit?: number; cursor?: string } = {}) =>
    listTrash({
      db,
      blobs,
      cursorSecret: CURSOR_SECRET,
      readTtlMinutes: 60,
      retentionDays: RETENTION_DAYS,
      userId,
      query: { limit: 100, ...query },
    });
  const trashIds = async (userId: string) => (await trashPage(userId)).items.map((item) => item.id);
  const row = (id: string) => db.userImage.findUniqueOrThrow({ where: { id } });
  const storedBlobs = async ({ image }: SeededImage) =>
    (
      await Promise.all(
        [
          { container: CONTAINERS.originals, name: image.originalPath },
          processedBlob(image.userId, image.id),
          thumbnailBlob(image.userId, image.id),
          previewBlob(image.userId, image.id),
        ].map((location) => blobs.sizeOf(location)),
      )
    ).filter((size) => size !== undefined).length;

  it('takes trashed images out of the gallery, its routes, the ZIP, the duplicate hint and every share, keeping blobs and quota', async () => {
    const kept = await seedStoredImage(db, blobs, 'trash-ann', { title: 'Kept' });
    const shared = await seedStoredImage(db, blobs, 'trash-ann', { title: 'Shared' });
    const plain = await seedStoredImage(db, blobs, 'trash-ann', { title: 'Plain', status: 'queued' });
    const sha256 = createHash('sha256').update(shared.original).digest('hex');
    await db.userImage.update({ where: { id: shared.image.id }, data: { sha256 } });
    const link = await createShareLink({
      db,
      userId: 'trash-ann',
      imageId: shared.image.id,
      request: { expiresInHours: 24, allowDownload: true },
      publicBaseUrl: 'https://detour.example',
    });
    expect(await openSharedImage({ db, secret: CURSOR_SECRET, token: link.token, counted: true })).toHaveProperty('title', 'Shared');

    const trashedAt = new Date();
    expect(
      await trashImages({ db, userId: 'trash-ann', imageIds: [shared.image.id, plain.image.id, shared.image.id], now: trashedAt }),
    ).toEqual({
      deleted: [shared.image.id, plain.image.id],
      notFound: [],
    });

    expect(await galleryIds('trash-ann')).toEqual([kept.image.id]);
    for (const id of [shared.image.id, plain.image.id]) {
      expect(await failure(findOwnedImage(db, 'trash-ann', id))).toMatchObject({ code: 'not_found' });
      expect(await failure(updateImage({ db, userId: 'trash-ann', imageId: id, changes: { title: 'Changed' } }))).toMatchObject({
        code: 'not_found',
      });
    }
    const zip = openGalleryZip({
      db,
      blobs,
      userId: 'trash-ann',
      imageIds: [kept.image.id, shared.image.id],
      variant: 'processed',
      onError: () => {},
    });
    expect(await failure(zip)).toMatchObject({ code: 'not_found', details: { notFound: [shared.image.id] } });
    const newLink = createShareLink({
      db,
      userId: 'trash-ann',
      imageId: shared.image.id,
      request: { expiresInHours: 1, allowDownload: true },
      publicBaseUrl: 'https://x.example',
    });
    expect(await failure(newLink)).toMatchObject({ code: 'not_found' });

    // Trashing revoked the link itself: it stays dead whatever happens to the image.
    expect(await failure(openSharedImage({ db, secret: CURSOR_SECRET, token: link.token, counted: true }))).toMatchObject({
      code: 'not_found',
    });
    expect(await db.shareLink.findFirstOrThrow({ where: { imageId: shared.image.id } })).toMatchObject({ revokedAt: trashedAt });

    // A trashed image is not offered as "you already have this": the upload makes a new image.
    const upload = await requestUpload({
      db,
      blobs,
      config: TEST_UPLOAD_SETTINGS,
      log: () => {},
      userId: 'trash-ann',
      request: { fileName: 'again.png', contentType: 'image/png', size: shared.original.length, sha256 },
    });
    if (upload.duplicateOf) throw new Error(`The trashed image ${upload.duplicateOf.id} was offered as a duplicate.`);
    expect(await removeAbandonedUpload(db, upload.image)).toBe(true);

    // The trash lists them, newest-trashed first, with their purge date; blobs and quota are untouched.
    const { items } = await trashPage('trash-ann');
    expect(items.map((item) => item.id).sort()).toEqual([shared.image.id, plain.image.id].sort());
    for (const item of items) {
      expect(item).toMatchObject({
        trashedAt: trashedAt.toISOString(),
        purgeAt: new Date(trashedAt.getTime() + RETENTION_DAYS * DAY).toISOString(),
      });
    }
    expect(items.find((item) => item.id === shared.image.id)).toMatchObject({
      title: 'Shared',
      status: 'ready',
      urls: { processed: expect.any(String) },
    });
    expect(await storedBlobs(shared)).toBe(4);
    await expectQuotaMatches('trash-ann');

    const usage = await getUsage({ db, userId: 'trash-ann' });
    expect(usage).toMatchObject({
      imageCount: 3,
      byStatus: { ready: 1, queued: 0 },
      trash: { images: 2, bytes: Number(shared.image.storageBytes + plain.image.storageBytes) },
    });
    expect(usage.storageUsed).toBe(Number(kept.image.storageBytes + shared.image.storageBytes + plain.image.storageBytes));

    // Deleting a trashed image again (not permanently) is a 404, like any image not in the gallery.
    expect(await failure(deleteImage({ db, blobs, userId: 'trash-ann', imageId: plain.image.id, permanent: false }))).toMatchObject({
      code: 'not_found',
    });
  });

  it('restores every field of the row, the place in the gallery, and keeps the share links revoked', async () => {
    const older = await seedStoredImage(db, blobs, 'trash-ben', { createdAt: new Date(Date.now() - 3 * DAY) });
    const image = await seedStoredImage(db, blobs, 'trash-ben', {
      title: 'Mon chat',
      tags: ['pets', 'cats'],
      isFavorite: true,
      createdAt: new Date(Date.now() - 2 * DAY),
    });
    const newer = await seedStoredImage(db, blobs, 'trash-ben', { status: 'queued' });
    const link = await createShareLink({
      db,
      userId: 'trash-ben',
      imageId: image.image.id,
      request: { expiresInHours: 24, allowDownload: true },
      publicBaseUrl: 'https://x.example',
    });
    const before: UserImage[] = await Promise.all([older, image, newer].map((seeded) => row(seeded.image.id)));
    const order = await galleryIds('trash-ben');

    const trashedAt = new Date(Date.now() - DAY);
    await trashImages({ db, userId: 'trash-ben', imageIds: before.map((image) => image.id), now: trashedAt });
    const inTrash = await Promise.all(before.map((image) => row(image.id)));
    expect(inTrash).toEqual(before.map((image) => ({ ...image, trashedAt })));

    expect(await restoreTrash({ db, userId: 'trash-ben', request: { ids: [image.image.id, older.image.id] } })).toEqual({ restored: 2 });
    expect(await restoreTrash({ db, userId: 'trash-ben', request: { all: true } })).toEqual({ restored: 1 });
    expect(await Promise.all(before.map((image) => row(image.id)))).toEqual(before);
    expect(await galleryIds('trash-ben')).toEqual(order);
    expect(await trashIds('trash-ben')).toEqual([]);
    expect(await findOwnedImage(db, 'trash-ben', image.image.id)).toEqual(before[1]);

    expect(await failure(openSharedImage({ db, secret: CURSOR_SECRET, token: link.token, counted: true }))).toMatchObject({
      code: 'not_found',
    });
    await expectQuotaMatches('trash-ben');
  });

  it('restores by ids all or nothing: an unknown, someone else’s or untrashed id is a 404 that changes nothing', async () => {
    const [first, second] = [await seedStoredImage(db, blobs, 'trash-cat'), await seedStoredImage(db, blobs, 'trash-cat')];
    const inGallery = await seedStoredImage(db, blobs, 'trash-cat');
    const theirs = await seedStoredImage(db, blobs, 'trash-dan');
    await trashImages({ db, userId: 'trash-cat', imageIds: [first.image.id, second.image.id] });
    await trashImages({ db, userId: 'trash-dan', imageIds: [theirs.image.id] });
    const missing = 'cnosuchimage000000000000';

    for (const stranger of [theirs.image.id, missing, inGallery.image.id]) {
      const refused = await failure(
        restoreTrash({ db, userId: 'trash-cat', request: { ids: [first.image.id, stranger, second.image.id] } }),
      );
      expect(refused).toMatchObject({ code: 'not_found', details: { notFound: [stranger] } });
      expect((await trashIds('trash-cat')).sort()).toEqual([first.image.id, second.image.id].sort());
    }
    expect(await trashIds('trash-dan')).toEqual([theirs.image.id]);
    expect(await galleryIds('trash-cat')).toEqual([inGallery.image.id]);

    // Another user's ids are not theirs to trash or delete either.
    expect(await trashImages({ db, userId: 'trash-cat', imageIds: [theirs.image.id] })).toEqual({
      deleted: [],
      notFound: [theirs.image.id],
    });
    expect(await deleteImages({ db, blobs, userId: 'trash-cat', imageIds: [theirs.image.id], onlyTrashed: true })).toEqual({
      deleted: [],
      notFound: [theirs.image.id],
    });
    expect(await emptyTrash({ db, blobs, userId: 'trash-cat' })).toEqual({ deleting: 2, leftToFinish: 0 });
    expect(await trashIds('trash-dan')).toEqual([theirs.image.id]);
    expect(await storedBlobs(theirs)).toBe(4);
    await expectQuotaMatches('trash-dan');
    await expectQuotaMatches('trash-cat');
  });

  it('refuses malformed restore and delete bodies with invalid_request', () => {
    const id = 'cabcdefghij0123456789abc';
    const refusedRestore: unknown[] = [
      {},
      { ids: [] },
      { all: false },
      { ids: [id], all: true },
      { ids: ['NOT AN ID'] },
      { ids: Array.from({ length: 101 }, () => id) },
      { ids: [id], extra: 1 },
      [],
    ];
    for (const body of refusedRestore) {
      expect(() => validate(trashRestoreRequestSchema, body, 'request body'), JSON.stringify(body)).toThrow(
        expect.objectContaining({ code: 'invalid_request' }),
      );
    }
    for (const body of [{ ids: [] }, { all: true }, { ids: ['x'] }]) {
      expect(() => validate(trashDeleteRequestSchema, body, 'request body'), JSON.stringify(body)).toThrow(
        expect.objectContaining({ code: 'invalid_request' }),
      );
    }
    expect(validate(trashDeleteRequestSchema, {}, 'request body')).toEqual({});
    expect(validate(trashRestoreRequestSchema, { all: true }, 'request body')).toEqual({ all: true });
  });

  it('keeps the quota exact through trash → restore → trash → delete from the trash → empty → permanent delete', async () => {
    const images = [];
    for (let n = 0; n < 5; n++) images.push(await seedStoredImage(db, blobs, 'trash-eve', { status: n === 4 ? 'queued' : 'ready' }));
    const [a, b, c, d, e] = images as [SeededImage, SeededImage, SeededImage, SeededImage, SeededImage];
    await expectQuotaMatches('trash-eve');

    await trashImages({ db, userId: 'trash-eve', imageIds: [a.image.id, b.image.id, c.image.id, e.image.id] });
    await expectQuotaMatches('trash-eve');
    await restoreTrash({ db, userId: 'trash-eve', request: { ids: [a.image.id] } });
    await trashImages({ db, userId: 'trash-eve', imageIds: [a.image.id] });
    await expectQuotaMatches('trash-eve');

    // Deleting from the trash by id: only trashed ids; one still in the gallery is not found and stays.
    expect(await deleteImages({ db, blobs, userId: 'trash-eve', imageIds: [b.image.id, d.image.id], onlyTrashed: true })).toEqual({
      deleted: [b.image.id],
      notFound: [d.image.id],
    });
    expect(await storedBlobs(b)).toBe(0);
    expect(await db.userImage.findUnique({ where: { id: b.image.id } })).toBeNull();
    expect(await storedBlobs(d)).toBe(4);
    await expectQuotaMatches('trash-eve');

    // Emptying: everything left in the trash goes, blobs, rows and bytes.
    expect(await emptyTrash({ db, blobs, userId: 'trash-eve' })).toEqual({ deleting: 3, leftToFinish: 0 });
    for (const gone of [a, c, e]) {
      expect(await storedBlobs(gone)).toBe(0);
      expect(await db.userImage.findUnique({ where: { id: gone.image.id } })).toBeNull();
    }
    expect(await trashIds('trash-eve')).toEqual([]);
    expect(await emptyTrash({ db, blobs, userId: 'trash-eve' })).toEqual({ deleting: 0, leftToFinish: 0 });
    await expectQuotaMatches('trash-eve');

    // A permanent delete skips the trash.
    await deleteImage({ db, blobs, userId: 'trash-eve', imageId: d.image.id, permanent: true });
    expect(await storedBlobs(d)).toBe(0);
    expect(await db.userImage.count({ where: { userId: 'trash-eve' } })).toBe(0);
    expect(await trashIds('trash-eve')).toEqual([]);
    await expectQuotaMatches('trash-eve');
    expect(await getUsage({ db, userId: 'trash-eve' })).toMatchObject({ storageUsed: 0, imageCount: 0, trash: { images: 0, bytes: 0 } });
  });

  it('purges trash past its retention, by an injected clock, in bounded batches, and nothing younger', async () => {
    const t0 = new Date(Date.UTC(2026, 0, 10, 12));
    const old = [];
    for (let n = 0; n < 3; n++) old.push(await seedStoredImage(db, blobs, 'trash-fay'));
    const young = await seedStoredImage(db, blobs, 'trash-fay');
    const kept = await seedStoredImage(db, blobs, 'trash-fay');
    await trashImages({ db, userId: 'trash-fay', imageIds: old.map((seeded) => seeded.image.id), now: t0 });
    await trashImages({ db, userId: 'trash-fay', imageIds: [young.image.id], now: new Date(t0.getTime() + DAY) });

    const purge = (now: Date) => purgeExpiredTrash({ db, blobs, retentionDays: RETENTION_DAYS, batchSize: 2, now });
    expect(await purge(new Date(t0.getTime() + RETENTION_DAYS * DAY))).toEqual({ finished: [], pending: [] });
    const afterRetention = new Date(t0.getTime() + RETENTION_DAYS * DAY + 1);
    const first = await purge(afterRetention);
    expect(first.finished).toHaveLength(2);
    const second = await purge(afterRetention);
    expect([...first.finished, ...second.finished].sort()).toEqual(old.map((seeded) => seeded.image.id).sort());
    expect(await purge(afterRetention)).toEqual({ finished: [], pending: [] });
    for (const gone of old) expect(await storedBlobs(gone)).toBe(0);
    expect(await trashIds('trash-fay')).toEqual([young.image.id]);
    expect(await galleryIds('trash-fay')).toEqual([kept.image.id]);
    await expectQuotaMatches('trash-fay');

    expect((await purge(new Date(t0.getTime() + (RETENTION_DAYS + 1) * DAY + 1))).finished).toEqual([young.image.id]);
    await expectQuotaMatches('trash-fay');
  });

  it('finishes an emptying or a purge that storage interrupted on a later clean-up run', async () => {
    const images = [await seedStoredImage(db, blobs, 'trash-ann'), await seedStoredImage(db, blobs, 'trash-ann')];
    await trashImages({ db, userId: 'trash-ann', imageIds: images.map((seeded) => seeded.image.id) });
    const before = await trashIds('trash-ann');

    // The crash: every image is marked, no blob could be deleted; the trash is empty, the bytes still counted.
    expect(await emptyTrash({ db, blobs: unreachableBlobs, userId: 'trash-ann' })).toEqual({
      deleting: before.length,
      leftToFinish: before.length,
    });
    expect(await trashIds('trash-ann')).toEqual([]);
    for (const seeded of images) expect(await storedBlobs(seeded)).toBe(4);
    await expectQuotaMatches('trash-ann');
    expect(await restoreTrash({ db, userId: 'trash-ann', request: { all: true } })).toEqual({ restored: 0 });

    const later = new Date(Date.now() + 10 * 60_000);
    expect((await purgeDeletedImages({ db, blobs, now: later })).finished.sort()).toEqual(before.sort());
    for (const seeded of images) expect(await storedBlobs(seeded)).toBe(0);
    await expectQuotaMatches('trash-ann');

    // The same for the retention purge.
    const expiring = await seedStoredImage(db, blobs, 'trash-ann');
    await trashImages({ db, userId: 'trash-ann', imageIds: [expiring.image.id], now: new Date(Date.now() - 40 * DAY) });
    expect((await purgeExpiredTrash({ db, blobs: unreachableBlobs, retentionDays: RETENTION_DAYS })).pending).toHaveLength(1);
    expect(await trashIds('trash-ann')).toEqual([]);
    expect(await storedBlobs(expiring)).toBe(4);
    expect((await purgeDeletedImages({ db, blobs, now: later })).finished).toEqual([expiring.image.id]);
    expect(await storedBlobs(expiring)).toBe(0);
    await expectQuotaMatches('trash-ann');
  });
});
