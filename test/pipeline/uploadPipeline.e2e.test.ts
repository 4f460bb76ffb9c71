import { BlockBlobClient } from '@azure/storage-blob';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PIPELINE_STEPS } from '../../shared/pipeline/pipelineContract.js';
import { discOnPlainBackground, htmlPage, jpegWithExif, pngDeclaring, svgDrawing, truncatedJpeg } from '../support/sampleImages.js';
import { pipelineStepEvents, startTestApp, type TestApp } from '../support/testApp.js';
import { storedBytesOf, uploadThroughApi, waitForSettledImage } from '../support/uploadThroughApi.js';

describe('upload → blob trigger → queue → orchestration → remover → thumbnail and preview → ready', () => {
  let app: TestApp;
  let token: string;

  beforeAll(async () => {
    app = await startTestApp();
    token = await app.tokenFor('pipeline-alice');
  });
  afterAll(() => app?.stop());

  it('turns an uploaded photo into a transparent cut-out, a clean WebP thumbnail and a preview', async () => {
    const photo = await jpegWithExif();
    const { imageId } = await uploadThroughApi(app, token, photo, { fileName: 'holiday.jpg', title: 'Red ball', tags: ['Toys', 'toys '] });
    const image = await waitForSettledImage(app, token, imageId);

    expect(image).toMatchObject({
      status: 'ready',
      error: null,
      title: 'Red ball',
      tags: ['toys'],
      originalName: 'holiday.jpg',
      fileType: 'image/jpeg',
      fileSize: photo.length,
      // EXIF orientation 6: the 800×600 file is displayed 600×800.
      dimensions: { width: 600, height: 800 },
    });
    expect(image.processingTime).toBeGreaterThan(0);
    expect(['excellent', 'good']).toContain(image.quality);

    const cutout = sharp(Buffer.from(await (await fetch(image.urls.processed)).arrayBuffer()));
    const cutoutMetadata = await cutout.metadata();
    expect(cutoutMetadata).toMatchObject({ format: 'png', hasAlpha: true, width: 600, height: 800 });
    const alpha = await cutout.clone().extractChannel(3).raw().toBuffer({ resolveWithObject: true });
    const at = (x: number, y: number) => alpha.data[y * alpha.info.width + x]!;
    expect(at(5, 5)).toBeLessThan(10); // corner: background
    expect(at(300, 400)).toBeGreaterThan(245); // centre: the disc

    const thumbnailResponse = await fetch(image.urls.thumbnail);
    const thumbnail = Buffer.from(await thumbnailResponse.arrayBuffer());
    const thumbnailMetadata = await sharp(thumbnail).metadata();
    expect(thumbnailMetadata.format).toBe('webp');
    expect([thumbnailMetadata.width, thumbnailMetadata.height]).toEqual([300, 400]);
    expect(thumbnailMetadata.exif).toBeUndefined();
    expect(thumbnail.includes(Buffer.from('DetourTestCam'))).toBe(false);
    // Written never to change at its name: browsers may keep it while its link lives.
    expect(thumbnailResponse.headers.get('cache-control')).toBe('private, max-age=4500, immutable');

    // The preview: the whole cut-out here (600×800 fits inside 1600 px and is never enlarged), as WebP.
    const preview = Buffer.from(await (await fetch(image.urls.preview)).arrayBuffer());
    expect(await sharp(preview).metadata()).toMatchObject({ format: 'webp', hasAlpha: true, width: 600, height: 800 });
    expect(preview.includes(Buffer.from('DetourTestCam'))).toBe(false);

    const row = await app.db.userImage.findUniqueOrThrow({ where: { id: imageId } });
    const user = await app.db.user.findUniqueOrThrow({ where: { id: 'pipeline-alice' } });
    expect(row.previewSize).toBe(BigInt(preview.length));
    expect(Number(row.storageBytes)).toBe(photo.length + Number(row.processedSize) + Number(row.thumbnailSize) + preview.length);
    expect(Number(user.storageUsed)).toBe(await storedBytesOf(app, 'pipeline-alice'));
    // Every step succeeded the first time: nothing was retried behind the result.
    expect(app.logs.filter((line) => line.includes(imageId) && /failed/.test(line))).toEqual([]);

    // One structured line per step, with the ids, the outcome and the duration.
    const steps = pipelineStepEvents(app, imageId);
    expect(steps.map((event) => event.step)).toEqual([
      PIPELINE_STEPS.checkOriginal,
      PIPELINE_STEPS.startOrchestration,
      // No earlier image of these bytes (markProcessing says so): no reuseDuplicateOutputs, the remover makes the cut-out.
      PIPELINE_STEPS.markProcessing,
      PIPELINE_STEPS.cutOutBackground,
      PIPELINE_STEPS.finalizeImage,
    ]);
    for (const event of steps) {
      expect(event).toMatchObject({ outcome: 'ok', durationMs: expect.any(Number) });
      if (event.step !== PIPELINE_STEPS.startOrchestration) expect(event.userId).toBe('pipeline-alice');
    }
    const cutoutStep = steps.find((event) => event.step === PIPELINE_STEPS.cutOutBackground);
    expect(cutoutStep?.stagesMs).toEqual({ received: expect.any(Number), rendered: expect.any(Number), stored: expect.any(Number) });
  });

  it('shrinks a large cut-out while it arrives into a preview and thumbnail like those sharp makes from the stored file', async () => {
    const { imageId } = await uploadThroughApi(app, token, await discOnPlainBackground({ width: 3300, height: 1700 }));
    const image = await waitForSettledImage(app, token, imageId);
    expect(image.status).toBe('ready');
    const fetched = async (url: string) => Buffer.from(await (await fetch(url)).arrayBuffer());
    const [processed, preview, thumbnail] = await Promise.all(
      [image.urls.processed, image.urls.preview, image.urls.thumbnail].map(fetched),
    );
    expect(await sharp(preview).metadata()).toMatchObject({ format: 'webp', hasAlpha: true, width: 1600, height: 824 });
    expect(await sharp(thumbnail).metadata()).toMatchObject({ format: 'webp', width: 400, height: 206 });
    // Against sharp's own reduction of the whole stored cut-out: the same picture, the same transparency.
    const ours = await sharp(preview).ensureAlpha().raw().toBuffer();
    const reference = await sharp(processed).resize(1600, 824).raw().toBuffer();
    let difference = 0;
    for (let i = 0; i < ours.length; i++) difference += Math.abs(ours[i]! - reference[i]!);
    expect(difference / ours.length).toBeLessThan(3);
    const alphaAt = (x: number, y: number) => ours[(y * 1600 + x) * 4 + 3];
    expect([alphaAt(5, 5), alphaAt(800, 412)]).toEqual([0, 255]);
  });

  it.each([
    ['an HTML page renamed .jpg', async () => htmlPage, 'image/jpeg', 'not_an_image'],
    ['an SVG drawing', async () => svgDrawing, 'image/png', 'unsupported_type'],
    ['a PNG declaring 20000×20000 pixels', () => pngDeclaring(20_000, 20_000), 'image/png', 'too_many_pixels'],
    ['a truncated JPEG', truncatedJpeg, 'image/jpeg', 'corrupt_image'],
  ] as const)('rejects %s, deletes it and releases its bytes', async (_name, makeBytes, contentType, code) => {
    const userId = `pipeline-bad-${code}`;
    const owner = await app.tokenFor(userId);
    const keeper = await uploadThroughApi(app, owner, await discOnPlainBackground({ format: 'png' }), { contentType: 'image/png' });
    const kept = await waitForSettledImage(app, owner, keeper.imageId);
    const usedBefore = (await app.db.user.findUniqueOrThrow({ where: { id: userId } })).storageUsed;

    const bad = await uploadThroughApi(app, owner, await makeBytes(), { contentType });
    const image = await waitForSettledImage(app, owner, bad.imageId);

    expect(image.status).toBe('failed');
    expect(image.error.code).toBe(code);
    expect(image.urls).toEqual({ original: null, processed: null, thumbnail: null, preview: null });
    const row = await app.db.userImage.findUniqueOrThrow({ where: { id: bad.imageId } });
    expect(await app.blobs.sizeOf({ container: 'originals', name: row.originalPath })).toBeUndefined();
    const user = await app.db.user.findUniqueOrThrow({ where: { id: userId }, include: { quota: true } });
    expect(user.storageUsed).toBe(usedBefore);
    expect(user.quota?.imageCount).toBe(1);
    expect((await app.api('GET', `/api/images/${keeper.imageId}`, { token: owner })).body).toMatchObject({
      status: 'ready',
      fileSize: kept.fileSize,
      updatedAt: kept.updatedAt,
    });
  });

  it('rejects a file larger than declared as size_mismatch', async () => {
    const photo = await discOnPlainBackground();
    const { imageId } = await uploadThroughApi(app, token, photo, { declaredSize: photo.length - 100 });
    const image = await waitForSettledImage(app, token, imageId);
    expect(image.error.code).toBe('size_mismatch');
  });

  it('processes a blob delivered twice only once', async () => {
    const photo = await discOnPlainBackground({ format: 'png' });
    const { imageId, upload } = await uploadThroughApi(app, token, photo, { contentType: 'image/png' });
    await waitForSettledImage(app, token, imageId);
    const callsAfterFirst = app.remover.calls;
    const before = await app.db.userImage.findUniqueOrThrow({ where: { id: imageId } });

    // The same bytes written again raise a second blob event for the same name.
    await new BlockBlobClient(upload.url).uploadData(photo, { blobHTTPHeaders: { blobContentType: 'image/png' } });
    await new Promise((resolve) => setTimeout(resolve, 2_000));

    expect(app.remover.calls).toBe(callsAfterFirst);
    expect(await app.db.userImage.findUniqueOrThrow({ where: { id: imageId } })).toEqual(before);
  });

  it('refuses HEIC, unknown types and oversized declarations before any row exists', async () => {
    const heic = await app.api('POST', '/api/uploads', { token, body: { fileName: 'a.heic', contentType: 'image/heic', size: 10 } });
    expect(heic.status).toBe(415);
    expect(heic.body.error).toMatchObject({ code: 'unsupported_media_type' });
    expect(heic.body.error.message).toMatch(/HEIC/);
    const gif = await app.api('POST', '/api/uploads', { token, body: { fileName: 'a.gif', contentType: 'image/gif', size: 10 } });
    expect(gif.status).toBe(415);
    const huge = await app.api('POST', '/api/uploads', {
      token,
      body: { fileName: 'a.jpg', contentType: 'image/jpeg', size: 26 * 1024 * 1024 },
    });
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('payload_too_large');
    const invalid = await app.api('POST', '/api/uploads', { token, body: { fileName: '', contentType: 'image/jpeg', size: -1, extra: 1 } });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.code).toBe('invalid_request');
    expect(invalid.body.error.details.map((d: { field: string }) => d.field)).toEqual(expect.arrayContaining(['fileName', 'size']));
  });

  it('gives the upload link create-only on one intake blob, for at most 15 minutes', async () => {
    const requested = await app.api('POST', '/api/uploads', { token, body: { fileName: 'x.png', contentType: 'image/png', size: 10 } });
    const url = new URL(requested.body.upload.url);
    expect(url.searchParams.get('sp')).toBe('c');
    expect(url.searchParams.get('sr')).toBe('b');
    expect(url.pathname).toMatch(new RegExp(`/uploads/pipeline-alice/${requested.body.image.id}$`));
    expect(new Date(requested.body.upload.expiresAt).getTime() - Date.now()).toBeLessThanOrEqual(15 * 60_000);
    expect(requested.body.upload).toMatchObject({ method: 'PUT', headers: { 'x-ms-blob-type': 'BlockBlob', 'content-type': 'image/png' } });
    expect(requested.body.image.status).toBe('pending_upload');
  });

  it('refuses requests without a valid token with 401 and the docs/api.md body', async () => {
    for (const headers of [{}, { authorization: 'Bearer nope' }, { authorization: 'Basic abc' }] as Record<string, string>[]) {
      const response = await app.api('POST', '/api/uploads', { headers, body: { fileName: 'a.jpg', contentType: 'image/jpeg', size: 1 } });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
      expect(response.body.error.code).toBe('unauthorized');
    }
  });
});
