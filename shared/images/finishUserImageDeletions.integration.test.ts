import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openIntegrationParts, type IntegrationParts } from '../../test/support/integrationParts.js';
import { expectQuotaMatches } from '../../test/support/quotaInvariants.js';
import { distinctPng, seedStoredImage, storedBlobBytes, type SeededImage } from '../../test/support/seedImages.js';
import { seedUser } from '../../test/support/seedUser.js';
import { unreachableBlobStore } from '../../test/support/unreachableBlobStore.js';
import { validate } from '../http/parseInput.js';
import { CONTAINERS } from '../storage/blobPaths.js';
import { emptyTrash } from '../trash/emptyTrash.js';
import { trashImages } from '../trash/trashImages.js';
import { finishUserImageDeletions, imageDeletionMessage, imageDeletionMessageSchema } from './finishUserImageDeletions.js';
import { purgeDeletedImages } from './purgeDeletedImages.js';

describe('an emptied trash finished batch by batch from the image-deletions queue, against PostgreSQL and Azurite', () => {
  let parts: IntegrationParts;

  /** `count` stored images (an original each) of a new user, all in the trash. */
  const trashOf = async (userId: string, count: number): Promise<SeededImage[]> => {
    await seedUser(parts.db, userId, { storageLimitBytes: 1024 ** 3, imageLimit: count + 1 });
    const original = await distinctPng();
    const seeded: SeededImage[] = [];
    for (let start = 0; start < count; start += 25) {
      const batch = Array.from({ length: Math.min(25, count - start) }, () =>
        seedStoredImage(parts.db, parts.blobs, userId, { status: 'queued', original }),
      );
      seeded.push(...(await Promise.all(batch)));
    }
    await trashImages({ db: parts.db, userId, imageIds: seeded.map(({ image }) => image.id) });
    return seeded;
  };
  /** What the queue-triggered function does with one message, run until it queues no next one. */
  const runQueue = async (userId: string, batchSize?: number) => {
    const runs: number[] = [];
    let more = true;
    while (more) {
      const run = await finishUserImageDeletions({ db: parts.db, blobs: parts.blobs, userId, batchSize });
      expect(run.pending).toEqual([]);
      runs.push(run.finished.length);
      more = run.more;
    }
    return runs;
  };
  const expectAllGone = async (userId: string) => {
    expect(await parts.db.userImage.count({ where: { userId } })).toBe(0);
    expect(await storedBlobBytes(parts.blobs, userId)).toBe(0);
    const user = await parts.db.user.findUniqueOrThrow({ where: { id: userId }, include: { quota: true } });
    expect(user.storageUsed).toBe(0n);
    expect(user.quota!.imageCount).toBe(0);
    await expectQuotaMatches(parts.db, parts.blobs, userId);
  };

  beforeAll(async () => {
    parts = await openIntegrationParts();
  });
  afterAll(async () => {
    await parts?.close();
  });

  it('finishes a trash of 1 000 images in a few runs: blobs, rows and bytes', async () => {
    await trashOf('empty-thousand', 1_000);
    await expectQuotaMatches(parts.db, parts.blobs, 'empty-thousand');
    expect(await emptyTrash({ db: parts.db, blobs: parts.blobs, userId: 'empty-thousand' })).toEqual({
      deleting: 1_000,
      leftToFinish: 900,
    });
    // Before the queue: the 100 finished before the reply are gone, the rest still counted.
    expect(await parts.db.userImage.count({ where: { userId: 'empty-thousand' } })).toBe(900);
    await expectQuotaMatches(parts.db, parts.blobs, 'empty-thousand');

    expect(await runQueue('empty-thousand')).toEqual([500, 400]);
    await expectAllGone('empty-thousand');
  }, 300_000);

  it('a run that died between the blobs and the rows is finished by the next, its bytes given back once', async () => {
    const seeded = await trashOf('empty-crash', 30);
    expect(
      await emptyTrash({
        db: parts.db,
        blobs: unreachableBlobStore(parts.blobs, inject('azuriteConnectionString')),
        userId: 'empty-crash',
      }),
    ).toEqual({
      deleting: 30,
      leftToFinish: 30,
    });
    // The crashed run had deleted the blobs of the first ten and then died before their rows.
    for (const { image } of seeded.slice(0, 10)) {
      await parts.blobs.delete({ container: CONTAINERS.originals, name: image.originalPath });
    }
    const held = await parts.db.user.findUniqueOrThrow({ where: { id: 'empty-crash' } });
    expect(held.storageUsed).toBe(seeded.reduce((sum, { image }) => sum + image.storageBytes, 0n));

    // The next run, racing the clean-up timer and a second delivery of the same message.
    await Promise.all([
      runQueue('empty-crash', 7),
      runQueue('empty-crash', 7),
      purgeDeletedImages({ db: parts.db, blobs: parts.blobs, graceMinutes: 0 }),
    ]);
    await expectAllGone('empty-crash');
  });

  it('a run whose storage fails finishes nothing and leaves every image for the next', async () => {
    await trashOf('empty-unreachable', 5);
    await emptyTrash({
      db: parts.db,
      blobs: unreachableBlobStore(parts.blobs, inject('azuriteConnectionString')),
      userId: 'empty-unreachable',
    });
    const failed = await finishUserImageDeletions({
      db: parts.db,
      blobs: unreachableBlobStore(parts.blobs, inject('azuriteConnectionString')),
      userId: 'empty-unreachable',
    });
    expect(failed.finished).toEqual([]);
    expect(failed.pending).toHaveLength(5);
    await expectQuotaMatches(parts.db, parts.blobs, 'empty-unreachable');
    expect(await runQueue('empty-unreachable')).toEqual([5]);
    await expectAllGone('empty-unreachable');
  });

  it('touches only the user the message names, and refuses a message without a valid user id', async () => {
    await trashOf('empty-other', 3);
    await emptyTrash({ db: parts.db, blobs: unreachableBlobStore(parts.blobs, inject('azuriteConnectionString')), userId: 'empty-other' });
    expect(await runQueue('empty-nobody')).toEqual([0]);
    expect(await parts.db.userImage.count({ where: { userId: 'empty-other' } })).toBe(3);
    expect(validate(imageDeletionMessageSchema, imageDeletionMessage('empty-other'), 'message')).toEqual({ userId: 'empty-other' });
    for (const message of [{}, { userId: '' }, { userId: '../x' }, 'empty-other']) {
      expect(() => validate(imageDeletionMessageSchema, message, 'message')).toThrow(expect.objectContaining({ code: 'invalid_request' }));
    }
  });
});
