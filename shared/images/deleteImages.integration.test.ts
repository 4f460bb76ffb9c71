import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../../test/support/database.js';
import { expectQuotaMatches as expectQuotaMatchesStorage } from '../../test/support/quotaInvariants.js';
import { seedStoredImage } from '../../test/support/seedImages.js';
import { seedUser } from '../../test/support/seedUser.js';
import { unreachableBlobStore } from '../../test/support/unreachableBlobStore.js';
import type { Database } from '../db/index.js';
import { AppError } from '../errors.js';
import { listGallery } from '../gallery/listGallery.js';
import { CONTAINERS, previewBlob, processedBlob, thumbnailBlob } from '../storage/blobPaths.js';
import { BlobStore } from '../storage/blobStore.js';
import { deleteImage } from './deleteImage.js';
import { deleteImages } from './deleteImages.js';
import { purgeDeletedImages } from './purgeDeletedImages.js';

describe('deleting images against PostgreSQL and Azurite', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let db: Database;
  let blobs: BlobStore;
  let unreachableBlobs: BlobStore;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = database.db;
    const connectionString = inject('azuriteConnectionString');
    blobs = BlobStore.fromSettings({ connectionString });
    unreachableBlobs = unreachableBlobStore(blobs, connectionString);
    for (const user of ['del-ann', 'del-ben', 'del-cat', 'del-dan']) await seedUser(db, user);
  });
  afterAll(() => database?.drop());

  const blobsOf = (image: { userId: string; id: string; originalPath: string }) => [
    { container: CONTAINERS.originals, name: image.originalPath },
    processedBlob(image.userId, image.id),
    thumbnailBlob(image.userId, image.id),
    previewBlob(image.userId, image.id),
  ];
  const existing = async (image: { userId: string; id: string; originalPath: string }) =>
    (await Promise.all(blobsOf(image).map((location) => blobs.sizeOf(location)))).filter((size) => size !== undefined).length;

  const expectQuotaMatches = (userId: string) => expectQuotaMatchesStorage(db, blobs, userId);

  it('removes every blob (the preview too, when the image has one) and the row, and gives the bytes back', async () => {
    const kept = await seedStoredImage(db, blobs, 'del-ann');
    const gone = await seedStoredImage(db, blobs, 'del-ann');
    const older = await seedStoredImage(db, blobs, 'del-ann', { withoutPreview: true });
    const queued = await seedStoredImage(db, blobs, 'del-ann', { status: 'queued' });
    await expectQuotaMatches('del-ann');

    await deleteImage({ db, blobs, userId: 'del-ann', imageId: gone.image.id, permanent: true });
    await deleteImage({ db, blobs, userId: 'del-ann', imageId: older.image.id, permanent: true });
    await deleteImage({ db, blobs, userId: 'del-ann', imageId: queued.image.id, permanent: true });
    for (const image of [gone, older, queued]) expect(await existing(image.image)).toBe(0);
    expect(await db.userImage.count({ where: { id: { in: [gone.image.id, older.image.id, queued.image.id] } } })).toBe(0);
    expect(await existing(kept.image)).toBe(4);
    await expectQuotaMatches('del-ann');
    expect((await db.storageQuota.findUniqueOrThrow({ where: { userId: 'del-ann' } })).imageCount).toBe(1);

    const again = await deleteImage({ db, blobs, userId: 'del-ann', imageId: gone.image.id, permanent: true }).catch(
      (error: unknown) => error,
    );
    expect(again).toMatchObject({ code: 'not_found' });
  });

  it('deletes only the caller’s own ids and reports the others as not found', async () => {
    const mine = [await seedStoredImage(db, blobs, 'del-ben'), await seedStoredImage(db, blobs, 'del-ben')];
    const theirs = await seedStoredImage(db, blobs, 'del-cat');
    const missing = 'cnosuchimage000000000000';
    const result = await deleteImages({
      db,
      blobs,
      userId: 'del-ben',
      imageIds: [mine[0]!.image.id, theirs.image.id, missing, mine[1]!.image.id, mine[0]!.image.id],
    });
    expect(result).toEqual({ deleted: [mine[0]!.image.id, mine[1]!.image.id], notFound: [theirs.image.id, missing] });
    expect(await existing(theirs.image)).toBe(4);
    expect(await db.userImage.findUnique({ where: { id: theirs.image.id } })).toMatchObject({ deletedAt: null });
    const other = await deleteImage({ db, blobs, userId: 'del-ben', imageId: theirs.image.id, permanent: true }).catch(
      (error: unknown) => error,
    );
    expect(other).toMatchObject({ code: 'not_found' });
    await expectQuotaMatches('del-ben');
    await expectQuotaMatches('del-cat');
  });

  it('when storage fails, hides the images, keeps counting their stored bytes, and finishes on retry or by the purge', async () => {
    const first = await seedStoredImage(db, blobs, 'del-dan');
    const second = await seedStoredImage(db, blobs, 'del-dan');
    const failure = await deleteImages({
      db,
      blobs: unreachableBlobs,
      userId: 'del-dan',
      imageIds: [first.image.id, second.image.id],
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AppError);
    expect(failure).toMatchObject({
      code: 'service_unavailable',
      details: { pending: expect.arrayContaining([first.image.id, second.image.id]) },
    });

    // Nothing points at missing blobs and nothing is orphaned: rows and blobs are both still there, hidden.
    expect(await existing(first.image)).toBe(4);
    expect(await db.userImage.count({ where: { id: { in: [first.image.id, second.image.id] }, deletedAt: { not: null } } })).toBe(2);
    const gallery = await listGallery({
      db,
      blobs,
      cursorSecret: 'delete-test-cursor-secret-0123456789abcdef',
      readTtlMinutes: 60,
      userId: 'del-dan',
      query: { limit: 24, sort: 'newest' },
    });
    expect(gallery.items).toEqual([]);
    await expectQuotaMatches('del-dan');

    // The user retries: the marked image is finished.
    expect(await deleteImages({ db, blobs, userId: 'del-dan', imageIds: [first.image.id] })).toEqual({
      deleted: [first.image.id],
      notFound: [],
    });
    expect(await existing(first.image)).toBe(0);
    await expectQuotaMatches('del-dan');

    // Nobody retries: the clean-up timer finishes it once the grace period is over.
    expect((await purgeDeletedImages({ db, blobs })).finished).toEqual([]);
    const later = new Date(Date.now() + 10 * 60_000);
    expect(await purgeDeletedImages({ db, blobs, now: later })).toEqual({ finished: [second.image.id], pending: [] });
    expect(await existing(second.image)).toBe(0);
    expect(await db.userImage.count({ where: { userId: 'del-dan' } })).toBe(0);
    await expectQuotaMatches('del-dan');
  });
});
