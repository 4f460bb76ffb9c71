import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PIPELINE_STEPS } from '../../shared/pipeline/pipelineContract.js';
import { discOnPlainBackground } from '../support/sampleImages.js';
import { pipelineStepEvents, startTestApp, type TestApp } from '../support/testApp.js';
import { storedBlobsOf, storedBytesOf, uploadThroughApi, waitForSettledImage } from '../support/uploadThroughApi.js';

/** The background-removal service misbehaves; the pipeline retries what is transient and nothing else. */
describe('remover failures', () => {
  let app: TestApp;
  let token: string;
  const userId = 'remover-bob';
  // Each test uploads a picture of its own: bytes the user already has ready would be a duplicate,
  // made ready from copies without a remover call.

  beforeAll(async () => {
    // Three attempts, 100 ms then 200 ms apart (see startTestApp).
    app = await startTestApp();
    token = await app.tokenFor(userId);
  });
  afterAll(() => app?.stop());

  it('retries 503 twice and then succeeds', async () => {
    const callsBefore = app.remover.calls;
    app.remover.failNext({ status: 503 }, { status: 503 });
    const { imageId } = await uploadThroughApi(app, token, await discOnPlainBackground({ width: 600 }));
    const image = await waitForSettledImage(app, token, imageId);
    expect(image.status).toBe('ready');
    expect(app.remover.calls - callsBefore).toBe(3);
  });

  it('fails at once, without retries, when the remover answers 400: a plain message for the user, the reply in the logs', async () => {
    const callsBefore = app.remover.calls;
    app.remover.failNext({ status: 400 });
    const { imageId } = await uploadThroughApi(app, token, await discOnPlainBackground({ width: 608 }));
    const image = await waitForSettledImage(app, token, imageId);
    expect(image.status).toBe('failed');
    expect(image.error).toEqual({ code: 'processing_failed', message: 'The background-removal service could not process this image.' });
    expect(app.remover.calls - callsBefore).toBe(1);
    const logged = pipelineStepEvents(app, imageId).find((event) => event.step === PIPELINE_STEPS.cutOutBackground);
    expect(logged).toMatchObject({
      outcome: 'failed',
      code: 'remover_refused',
      detail: expect.stringContaining('answered 400: {"detail":"injected 400"}'),
    });
  });

  it('fails after the retries while the remover is down, keeps the original, and a retry succeeds once it is back', async () => {
    app.remover.setDown(true);
    const callsBefore = app.remover.calls;
    const photo = await discOnPlainBackground({ format: 'png', width: 616 });
    const { imageId } = await uploadThroughApi(app, token, photo, { contentType: 'image/png' });
    const failed = await waitForSettledImage(app, token, imageId);
    expect(failed.status).toBe('failed');
    expect(failed.error.code).toBe('processing_failed');
    expect(failed.error.message).toBe('The background could not be removed just now. Try again later.');
    const attempts = pipelineStepEvents(app, imageId).filter((event) => event.step === PIPELINE_STEPS.cutOutBackground);
    expect(attempts).toHaveLength(3);
    for (const attempt of attempts) {
      expect(attempt).toMatchObject({ outcome: 'error', error: expect.stringMatching(/^The background-removal service did not answer/) });
    }
    expect(app.remover.calls - callsBefore).toBe(3);
    expect(failed.urls.original).not.toBeNull();
    expect(failed.urls.processed).toBeNull();

    app.remover.setDown(false);
    const retried = await app.api('POST', `/api/images/${imageId}/retry`, { token });
    expect(retried.status).toBe(202);
    expect(retried.body.status).toBe('queued');
    const image = await waitForSettledImage(app, token, imageId);
    expect(image.status).toBe('ready');
    expect(image.error).toBeNull();

    const user = await app.db.user.findUniqueOrThrow({ where: { id: userId } });
    expect(Number(user.storageUsed)).toBe(await storedBytesOf(app, userId));
  });

  it('fetches a cut-out cut off mid-transfer again, and makes the image ready from the second answer', async () => {
    const callsBefore = app.remover.calls;
    app.remover.failNext({ cutAfterBytes: 20_000 });
    const { imageId } = await uploadThroughApi(app, token, await discOnPlainBackground({ width: 632 }));
    const image = await waitForSettledImage(app, token, imageId);
    expect(image.status).toBe('ready');
    expect(app.remover.calls - callsBefore).toBe(2);
    const attempts = pipelineStepEvents(app, imageId).filter((event) => event.step === PIPELINE_STEPS.cutOutBackground);
    expect(attempts.map((attempt) => attempt.outcome)).toEqual(['error', 'ok']);
    const processed = Buffer.from(await (await fetch(image.urls.processed)).arrayBuffer());
    expect(await sharp(processed).metadata()).toMatchObject({ format: 'png', width: 632, height: 480, hasAlpha: true });
  });

  it('fails a cut-out that is not a readable PNG at once, and leaves no processed/ blob behind', async () => {
    const callsBefore = app.remover.calls;
    app.remover.failNext({ flipByteAt: 1_000 }); // inside the image data: its chunk's checksum no longer matches
    const { imageId } = await uploadThroughApi(app, token, await discOnPlainBackground({ width: 640 }));
    const image = await waitForSettledImage(app, token, imageId);
    expect(image.status).toBe('failed');
    expect(image.error.message).toBe('The background-removal service could not process this image.');
    expect(app.remover.calls - callsBefore).toBe(1);
    const logged = pipelineStepEvents(app, imageId).find((event) => event.step === PIPELINE_STEPS.cutOutBackground);
    expect(logged).toMatchObject({
      outcome: 'failed',
      code: 'remover_refused',
      detail: expect.stringContaining('The cut-out cannot be read'),
    });
    const blobs = await storedBlobsOf(app, userId);
    expect(blobs.filter((blob) => blob.path.includes(imageId)).map((blob) => blob.path.split('/')[0])).toEqual(['originals']);
  });

  it('renders a kind of PNG it does not shrink as it arrives (interlaced) with sharp from the whole file', async () => {
    app.remover.failNext('interlaced');
    const { imageId } = await uploadThroughApi(app, token, await discOnPlainBackground({ width: 3300, height: 1700 }));
    const image = await waitForSettledImage(app, token, imageId);
    expect(image.status).toBe('ready');
    const [processed, preview, thumbnail] = await Promise.all(
      [image.urls.processed, image.urls.preview, image.urls.thumbnail].map(async (url) =>
        sharp(Buffer.from(await (await fetch(url)).arrayBuffer())).metadata(),
      ),
    );
    expect(processed).toMatchObject({ format: 'png', isProgressive: true, width: 3300, height: 1700 });
    expect(preview).toMatchObject({ format: 'webp', width: 1600, height: 824 });
    expect(thumbnail).toMatchObject({ format: 'webp', width: 400, height: 206 });
  });

  it('refuses to retry an image that is not failed, or another user’s image', async () => {
    const { imageId } = await uploadThroughApi(app, token, await discOnPlainBackground({ width: 624 }));
    await waitForSettledImage(app, token, imageId);
    const conflict = await app.api('POST', `/api/images/${imageId}/retry`, { token });
    expect(conflict.status).toBe(409);
    expect(conflict.body.error.code).toBe('conflict');
    const stranger = await app.tokenFor('remover-mallory');
    const hidden = await app.api('POST', `/api/images/${imageId}/retry`, { token: stranger });
    expect(hidden.status).toBe(404);
    expect(hidden.body.error.code).toBe('not_found');
  });
});
