import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PIPELINE_STEPS } from '../../shared/pipeline/pipelineContract.js';
import { discOnPlainBackground } from '../support/sampleImages.js';
import { pipelineStepEvents, startTestApp, type TestApp } from '../support/testApp.js';
import { storedBytesOf, uploadThroughApi, waitForSettledImage } from '../support/uploadThroughApi.js';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('duplicate uploads recognised by content', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app?.stop());

  async function download(url: string): Promise<Buffer> {
    const response = await fetch(url);
    expect(response.status).toBe(200);
    return Buffer.from(await response.arrayBuffer());
  }

  async function counters(userId: string) {
    const user = await app.db.user.findUniqueOrThrow({ where: { id: userId }, include: { quota: true } });
    return {
      storageUsed: Number(user.storageUsed),
      imageCount: user.quota?.imageCount,
      rows: await app.db.userImage.count({ where: { userId } }),
    };
  }

  it('makes a re-upload of the same bytes ready from copies of the first outputs, without the remover, the quota exact', async () => {
    const userId = 'dup-alice';
    const token = await app.tokenFor(userId);
    const photo = await discOnPlainBackground({ format: 'png', width: 500, height: 400 });
    const first = await uploadThroughApi(app, token, photo, { contentType: 'image/png' });
    const firstImage = await waitForSettledImage(app, token, first.imageId);
    expect(firstImage).toMatchObject({ status: 'ready', duplicateOf: null });
    const removerCalls = app.remover.calls;

    const second = await uploadThroughApi(app, token, photo, { contentType: 'image/png', fileName: 'again.png' });
    const secondImage = await waitForSettledImage(app, token, second.imageId);

    expect(secondImage).toMatchObject({ status: 'ready', error: null, duplicateOf: first.imageId, originalName: 'again.png' });
    expect(secondImage.quality).toBe(firstImage.quality);
    expect(app.remover.calls).toBe(removerCalls);
    expect(pipelineStepEvents(app, second.imageId).map((event) => [event.step, event.outcome])).toEqual([
      [PIPELINE_STEPS.checkOriginal, 'ok'],
      [PIPELINE_STEPS.startOrchestration, 'ok'],
      [PIPELINE_STEPS.markProcessing, 'ok'],
      [PIPELINE_STEPS.reuseDuplicateOutputs, 'ok'],
    ]);

    const [firstRow, secondRow] = await Promise.all(
      [first.imageId, second.imageId].map((id) => app.db.userImage.findUniqueOrThrow({ where: { id } })),
    );
    expect(firstRow!.sha256).toBe(sha256(photo));
    expect(secondRow!.sha256).toBe(sha256(photo));
    // Copies under the new image's own names, byte for byte the first image's outputs.
    expect(secondRow!.processedPath).toContain(second.imageId);
    expect(secondRow!.thumbnailPath).toContain(second.imageId);
    expect(secondRow!.previewPath).toContain(second.imageId);
    expect(await download(secondImage.urls.processed)).toEqual(await download(firstImage.urls.processed));
    expect(await download(secondImage.urls.thumbnail)).toEqual(await download(firstImage.urls.thumbnail));
    expect(await download(secondImage.urls.preview)).toEqual(await download(firstImage.urls.preview));
    expect(Number(secondRow!.storageBytes)).toBe(
      photo.length + Number(secondRow!.processedSize) + Number(secondRow!.thumbnailSize) + Number(secondRow!.previewSize),
    );
    expect((await counters(userId)).storageUsed).toBe(await storedBytesOf(app, userId));

    // Deleting the first image for good leaves the duplicate whole.
    expect((await app.api('DELETE', `/api/images/${first.imageId}?permanent=true`, { token })).status).toBe(204);
    const after = await app.api('GET', `/api/images/${second.imageId}`, { token });
    expect(after.body).toMatchObject({ status: 'ready', duplicateOf: first.imageId });
    expect(await download(after.body.urls.processed)).toEqual(await download(secondImage.urls.processed));
    expect(await download(after.body.urls.thumbnail)).toEqual(await download(secondImage.urls.thumbnail));
    expect(await counters(userId)).toEqual({ storageUsed: await storedBytesOf(app, userId), imageCount: 1, rows: 1 });
  });

  it('answers a sha256 hint of an own image with 200 duplicateOf and reserves nothing; allowDuplicate uploads anyway', async () => {
    const userId = 'dup-bob';
    const token = await app.tokenFor(userId);
    const photo = await discOnPlainBackground({ width: 520, height: 390 });
    const first = await uploadThroughApi(app, token, photo);
    await waitForSettledImage(app, token, first.imageId);
    const before = await counters(userId);

    const request = { fileName: 'same.jpg', contentType: 'image/jpeg', size: photo.length, sha256: sha256(photo).toUpperCase() };
    const hinted = await app.api('POST', '/api/uploads', { token, body: request });
    expect(hinted.status).toBe(200);
    expect(Object.keys(hinted.body)).toEqual(['duplicateOf']);
    expect(hinted.body.duplicateOf).toMatchObject({ id: first.imageId, status: 'ready', duplicateOf: null });
    expect(await counters(userId)).toEqual(before);

    const malformed = await app.api('POST', '/api/uploads', { token, body: { ...request, sha256: 'ab'.repeat(31) + 'zz' } });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('invalid_request');
    const notBoolean = await app.api('POST', '/api/uploads', { token, body: { ...request, allowDuplicate: 'yes' } });
    expect(notBoolean.status).toBe(400);
    expect(await counters(userId)).toEqual(before);

    const removerCalls = app.remover.calls;
    const allowed = await uploadThroughApi(app, token, photo, { sha256: sha256(photo), allowDuplicate: true });
    expect(allowed.imageId).not.toBe(first.imageId);
    const allowedImage = await waitForSettledImage(app, token, allowed.imageId);
    // Allowed through the request, then recognised by its bytes: ready from copies all the same.
    expect(allowedImage).toMatchObject({ status: 'ready', duplicateOf: first.imageId });
    expect(app.remover.calls).toBe(removerCalls);
    expect(await counters(userId)).toEqual({ storageUsed: await storedBytesOf(app, userId), imageCount: 2, rows: 2 });

    // A hint that lies decides nothing of what is stored: the blob check hashes the bytes it judged.
    const other = await discOnPlainBackground({ width: 528, height: 390 });
    const lied = await uploadThroughApi(app, token, other, { sha256: 'f'.repeat(64) });
    expect(await waitForSettledImage(app, token, lied.imageId)).toMatchObject({ status: 'ready', duplicateOf: null });
    expect((await app.db.userImage.findUniqueOrThrow({ where: { id: lied.imageId } })).sha256).toBe(sha256(other));
  });

  it('never recognises another user’s bytes: the same answer as for unknown bytes, and a full processing', async () => {
    const photo = await discOnPlainBackground({ format: 'png', width: 480, height: 360 });
    const ownerToken = await app.tokenFor('dup-carol');
    const owned = await uploadThroughApi(app, ownerToken, photo, { contentType: 'image/png' });
    await waitForSettledImage(app, ownerToken, owned.imageId);

    const otherId = 'dup-dave';
    const otherToken = await app.tokenFor(otherId);
    const body = { fileName: 'p.png', contentType: 'image/png', size: photo.length };
    const forUnknown = await app.api('POST', '/api/uploads', {
      token: otherToken,
      body: { ...body, sha256: sha256(Buffer.from('unknown')) },
    });
    const forCarols = await app.api('POST', '/api/uploads', { token: otherToken, body: { ...body, sha256: sha256(photo) } });
    expect(forCarols.status).toBe(201);
    expect(forUnknown.status).toBe(201);
    expect(Object.keys(forCarols.body)).toEqual(Object.keys(forUnknown.body));
    expect(Object.keys(forCarols.body.image)).toEqual(Object.keys(forUnknown.body.image));
    expect(forCarols.body.image).toMatchObject({ status: 'pending_upload', duplicateOf: null });

    const removerCalls = app.remover.calls;
    const uploaded = await uploadThroughApi(app, otherToken, photo, { contentType: 'image/png', sha256: sha256(photo) });
    const image = await waitForSettledImage(app, otherToken, uploaded.imageId);
    expect(image).toMatchObject({ status: 'ready', duplicateOf: null });
    expect(app.remover.calls).toBe(removerCalls + 1);
    expect(pipelineStepEvents(app, uploaded.imageId).map((event) => event.step)).toContain(PIPELINE_STEPS.cutOutBackground);
  });
});
