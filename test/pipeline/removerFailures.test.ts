import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discOnPlainBackground } from '../support/sampleImages.js';
import { startTestApp, type TestApp } from '../support/testApp.js';
import { storedBytesOf, uploadThroughApi, waitForSettledImage } from '../support/uploadThroughApi.js';

/** The background-removal service misbehaves; the pipeline retries what is transient and nothing else. */
describe('remover failures', () => {
  let app: TestApp;
  let token: string;
  const userId = 'remover-bob';

  beforeAll(async () => {
    // Three attempts, 100 ms then 200 ms apart (see startTestApp).
    app = await startTestApp();
    token = await app.tokenFor(userId);
  });
  afterAll(() => app?.stop());

  it('retries 503 twice and then succeeds', async () => {
    const callsBefore = app.remover.calls;
    app.remover.failNext({ status: 503 }, { status: 503 });
    const { imageId } = await uploadThroughApi(app, token, await discOnPlainBackground());
    const image = await waitForSettledImage(app, token, imageId);
    expect(image.status).toBe('ready');
    expect(app.remover.calls - callsBefore).toBe(3);
  });

  it('fails at once, without retries, when the remover answers 400', async () => {
    const callsBefore = app.remover.calls;
    app.remover.failNext({ status: 400 });
    const { imageId } = await uploadThroughApi(app, token, await discOnPlainBackground());
    const image = await waitForSettledImage(app, token, imageId);
    expect(image.status).toBe('failed');
    expect(image.error.code).toBe('processing_failed');
    expect(image.error.message).toContain('400');
    expect(app.remover.calls - callsBefore).toBe(1);
  });

  it('fails after the retries while the remover is down, keeps the original, and a retry succeeds once it is back', async () => {
    app.remover.setDown(true);
    const callsBefore = app.remover.calls;
    const photo = await discOnPlainBackground({ format: 'png' });
    const { imageId } = await uploadThroughApi(app, token, photo, { contentType: 'image/png' });
    const failed = await waitForSettledImage(app, token, imageId);
    expect(failed.status).toBe('failed');
    expect(failed.error.code).toBe('processing_failed');
    expect(failed.error.message).toMatch(/^The background-removal service did not answer/);
    expect(failed.error.message).not.toMatch(/\n|\s+at\s/);
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

  it('refuses to retry an image that is not failed, or another user’s image', async () => {
    const { imageId } = await uploadThroughApi(app, token, await discOnPlainBackground());
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
