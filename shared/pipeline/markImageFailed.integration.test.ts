import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openIntegrationParts } from '../../test/support/integrationParts.js';
import { distinctPng, seedStoredImage, storedBlobBytes } from '../../test/support/seedImages.js';
import { seedUser } from '../../test/support/seedUser.js';
import type { Database } from '../db/index.js';
import { outputLocations } from '../images/imageOutputs.js';
import type { BlobStore } from '../storage/blobStore.js';
import { markImageFailed } from './markImageFailed.js';
import { markProcessing } from './markProcessing.js';
import { failed, skipped } from './pipelineContract.js';

/** The end of every run that does not reach `ready`. */
describe('the step that ends a run short of ready', () => {
  let close: (() => Promise<void>) | undefined;
  let db: Database;
  let blobs: BlobStore;
  const userId = 'failing-fay';
  const refused = failed('remover_refused', 'The background-removal service could not process this image.', 'answered 400: {"error":"x"}');

  beforeAll(async () => {
    ({ db, blobs, close } = await openIntegrationParts());
    await seedUser(db, userId);
  });
  afterAll(() => close?.());

  const sizesOf = (imageId: string) => Promise.all(outputLocations(userId, imageId).map((location) => blobs.sizeOf(location)));

  it('never touches an image that is ready, nor its outputs', async () => {
    const { image } = await seedStoredImage(db, blobs, userId);
    const outputsBefore = await sizesOf(image.id);
    const usedBefore = (await db.user.findUniqueOrThrow({ where: { id: userId } })).storageUsed;

    expect(await markImageFailed({ db, blobs, imageId: image.id, userId, stop: refused })).toEqual({
      outcome: 'skipped',
      reason: 'the image is ready',
    });
    expect(outputsBefore.every((size) => size !== undefined)).toBe(true);
    expect(await sizesOf(image.id)).toEqual(outputsBefore);
    expect(await db.userImage.findUniqueOrThrow({ where: { id: image.id } })).toEqual(image);
    expect((await db.user.findUniqueOrThrow({ where: { id: userId } })).storageUsed).toBe(usedBefore);
  });

  it('removes partial outputs, keeps the original counted, and stores the message the user may read', async () => {
    const { image, original } = await seedStoredImage(db, blobs, userId, { status: 'queued' });
    expect(await markProcessing({ db, imageId: image.id })).toMatchObject({ outcome: 'ok' });
    await blobs.upload(outputLocations(userId, image.id)[0]!, await distinctPng(), 'image/png');

    expect(await markImageFailed({ db, blobs, imageId: image.id, userId, stop: refused })).toEqual({ outcome: 'ok' });
    expect(await sizesOf(image.id)).toEqual(outputLocations(userId, image.id).map(() => undefined));
    const row = await db.userImage.findUniqueOrThrow({ where: { id: image.id } });
    expect(row).toMatchObject({
      status: 'failed',
      errorCode: 'processing_failed',
      errorMessage: 'The background-removal service could not process this image.',
      processedPath: null,
      thumbnailPath: null,
      storageBytes: BigInt(original.length),
    });
    const user = await db.user.findUniqueOrThrow({ where: { id: userId } });
    expect(Number(user.storageUsed)).toBe(await storedBlobBytes(blobs, userId));
  });

  it('tells the user plainly when a run stopped for a reason of its own', async () => {
    const { image } = await seedStoredImage(db, blobs, userId, { status: 'queued' });
    const stop = skipped('the image is queued');
    expect(await markImageFailed({ db, blobs, imageId: image.id, userId, stop })).toEqual({ outcome: 'ok' });
    expect((await db.userImage.findUniqueOrThrow({ where: { id: image.id } })).errorMessage).toBe(
      'Processing stopped before the image was finished. Try again.',
    );
  });
});
