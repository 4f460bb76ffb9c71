import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openIntegrationParts } from '../../test/support/integrationParts.js';
import { distinctPng, seedStoredImage } from '../../test/support/seedImages.js';
import { seedUser } from '../../test/support/seedUser.js';
import type { Database } from '../db/index.js';
import { processedBlob, thumbnailBlob } from '../storage/blobPaths.js';
import type { BlobStore } from '../storage/blobStore.js';
import { finalizeImage } from './finalizeImage.js';
import { markImageFailed } from './markImageFailed.js';
import { markProcessing } from './markProcessing.js';
import { failed } from './pipelineContract.js';

/** An image deleted while the orchestration works on it: its late outputs must not outlive it. */
describe('processing an image that is deleted meanwhile', () => {
  let close: (() => Promise<void>) | undefined;
  let db: Database;
  let blobs: BlobStore;
  const userId = 'deleted-dora';
  const log = () => {};
  const stop = failed('step_error', 'The thumbnail could not be made just now. Try again later.', 'Storage answered 503');

  beforeAll(async () => {
    ({ db, blobs, close } = await openIntegrationParts());
    await seedUser(db, userId);
  });
  afterAll(() => close?.());

  async function processingImageWithOutputs() {
    const { image } = await seedStoredImage(db, blobs, userId, { status: 'queued' });
    expect(await markProcessing({ db, imageId: image.id })).toEqual({ outcome: 'ok', userId, duplicateCandidate: false });
    const outputs = [processedBlob(userId, image.id), thumbnailBlob(userId, image.id)];
    for (const output of outputs) await blobs.upload(output, await distinctPng(), 'image/png');
    return { image, outputs };
  }

  it('finalize removes the outputs of an image marked for deletion and does not make it ready', async () => {
    const { image, outputs } = await processingImageWithOutputs();
    await db.userImage.update({ where: { id: image.id }, data: { deletedAt: new Date() } });
    expect(await finalizeImage({ db, blobs, log, imageId: image.id, userId, quality: 'good' })).toEqual({
      outcome: 'skipped',
      reason: 'the image was deleted',
    });
    for (const output of outputs) expect(await blobs.sizeOf(output)).toBeUndefined();
    expect((await db.userImage.findUniqueOrThrow({ where: { id: image.id } })).status).toBe('processing');
  });

  it('finalize and markImageFailed remove the outputs of an image whose row is already gone', async () => {
    for (const step of ['finalize', 'fail'] as const) {
      const { image, outputs } = await processingImageWithOutputs();
      await db.userImage.delete({ where: { id: image.id } });
      if (step === 'finalize') await finalizeImage({ db, blobs, log, imageId: image.id, userId, quality: 'good' });
      else
        expect(await markImageFailed({ db, blobs, imageId: image.id, userId, stop })).toEqual({
          outcome: 'skipped',
          reason: 'the image was deleted',
        });
      for (const output of outputs) expect(await blobs.sizeOf(output)).toBeUndefined();
    }
  });

  it('does not start processing an image marked for deletion', async () => {
    const { image } = await seedStoredImage(db, blobs, userId, { status: 'queued' });
    await db.userImage.update({ where: { id: image.id }, data: { deletedAt: new Date() } });
    expect(await markProcessing({ db, imageId: image.id })).toMatchObject({ outcome: 'skipped' });
  });
});
