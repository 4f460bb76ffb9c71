import { randomBytes } from 'node:crypto';
import { AnonymousCredential, AppendBlobClient, BlobClient, BlockBlobClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTAINERS } from '../../shared/storage/blobPaths.js';
import { discOnPlainBackground, htmlPage } from '../support/sampleImages.js';
import { startTestApp, type TestApp } from '../support/testApp.js';
import { storedBlobsOf, storedBytesOf, uploadThroughApi, waitForSettledImage } from '../support/uploadThroughApi.js';
import { storageStatusOf } from '../support/storageStatus.js';

/**
 * Issue 13, part 1: what a user can still do with the upload link they were given, once its bytes
 * were checked. Each test is one vector of the adversarial pass; none may change, extend, retype or
 * add to what the product stores, reads or serves, and nothing written with the link may survive or
 * escape the quota.
 */

const statusOf = (attempt: () => Promise<unknown>) => storageStatusOf(attempt, 201);

describe('an upload link after its bytes were checked', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app?.stop());

  /** A user with one `ready` JPEG uploaded through the API; the link they were given for it. */
  async function readyImage(userId: string) {
    const token = await app.tokenFor(userId);
    const photo = await discOnPlainBackground();
    const { imageId, upload } = await uploadThroughApi(app, token, photo, { title: 'Kept' });
    const image = await waitForSettledImage(app, token, imageId);
    expect(image.status).toBe('ready');
    return { token, photo, imageId, link: upload.url as string, image };
  }

  /** Blob events are asynchronous: waits until no intake blob (or snapshot) of the user is left. */
  async function intakeEmptied(userId: string) {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const left = (await storedBlobsOf(app, userId)).filter((blob) => blob.path.startsWith(`${CONTAINERS.uploads}/`));
      if (left.length === 0) return;
      if (Date.now() > deadline) throw new Error(`intake blobs left: ${left.map((blob) => blob.path).join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** What the user and a visitor see of the image is still exactly what was checked, and the quota counts every stored byte. */
  async function expectUntouched(userId: string, token: string, imageId: string, photo: Buffer) {
    const { body: image } = await app.api('GET', `/api/images/${imageId}`, { token });
    expect(image).toMatchObject({ status: 'ready', fileType: 'image/jpeg', fileSize: photo.length });
    const original = await fetch(image.urls.original);
    expect(original.headers.get('content-type')).toBe('image/jpeg');
    expect(original.headers.get('content-disposition')).toBe('inline');
    expect(Buffer.from(await original.arrayBuffer()).equals(photo)).toBe(true);
    const user = await app.db.user.findUniqueOrThrow({ where: { id: userId } });
    expect(Number(user.storageUsed)).toBe(await storedBytesOf(app, userId));
  }

  it('PUT after ready: the original, its size and the quota stay as checked', async () => {
    const { token, photo, imageId, link } = await readyImage('link-put-after-ready');
    // Azure refuses a create-only link on an existing blob (409); Azurite lets it write (docs/security.md).
    expect([201, 409]).toContain(await statusOf(() => new BlockBlobClient(link).uploadData(randomBytes(3 * 1024 * 1024))));
    await intakeEmptied('link-put-after-ready');
    await expectUntouched('link-put-after-ready', token, imageId, photo);
  });

  it('append blob after ready: no block can be appended and nothing is stored', async () => {
    const { token, photo, imageId, link } = await readyImage('link-append');
    const append = new AppendBlobClient(link, new AnonymousCredential());
    expect([201, 409]).toContain(await statusOf(() => append.create()));
    for (let block = 0; block < 4; block += 1) {
      expect(await statusOf(() => append.appendBlock(randomBytes(1024 * 1024), 1024 * 1024))).toBe(403);
    }
    await intakeEmptied('link-append');
    await expectUntouched('link-append', token, imageId, photo);
  });

  it('snapshots after ready: none survives, none escapes the quota', async () => {
    const { token, photo, imageId, link } = await readyImage('link-snapshot');
    // A snapshot needs a base blob under the link's name: the attacker creates one first.
    await statusOf(() => new BlockBlobClient(link).uploadData(randomBytes(1024 * 1024)));
    for (let snapshot = 0; snapshot < 3; snapshot += 1) {
      expect([201, 404]).toContain(await statusOf(() => new BlobClient(link).createSnapshot()));
    }
    await intakeEmptied('link-snapshot');
    await expectUntouched('link-snapshot', token, imageId, photo);
  });

  it('PUT after the image was deleted: nothing of the user is left in storage', async () => {
    const { token, link, imageId } = await readyImage('link-after-delete');
    expect((await app.api('DELETE', `/api/images/${imageId}?permanent=true`, { token })).status).toBe(204);
    expect(await storedBlobsOf(app, 'link-after-delete')).toEqual([]);
    expect([201, 409]).toContain(await statusOf(() => new BlockBlobClient(link).uploadData(randomBytes(2 * 1024 * 1024))));
    await intakeEmptied('link-after-delete');
    expect(await storedBlobsOf(app, 'link-after-delete')).toEqual([]);
    const user = await app.db.user.findUniqueOrThrow({ where: { id: 'link-after-delete' }, include: { quota: true } });
    expect(user.storageUsed).toBe(0n);
    expect(user.quota?.imageCount).toBe(0);
  });

  it('HTML sent as text/html right after queued: never served, never processed', async () => {
    const token = await app.tokenFor('link-html');
    const photo = await discOnPlainBackground();
    const { imageId, upload } = await uploadThroughApi(app, token, photo);
    // As soon as the check accepted the photo, the link writes a page.
    for (;;) {
      const { body } = await app.api('GET', `/api/images/${imageId}`, { token });
      if (body.status !== 'pending_upload') break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const page = new BlockBlobClient(upload.url);
    expect([201, 409]).toContain(await statusOf(() => page.uploadData(htmlPage, { blobHTTPHeaders: { blobContentType: 'text/html' } })));
    const image = await waitForSettledImage(app, token, imageId);
    expect(image.status).toBe('ready');
    // The remover cut out the photo (its 640×480 disc), not the page.
    expect(image.dimensions).toEqual({ width: 640, height: 480 });
    await intakeEmptied('link-html');
    await expectUntouched('link-html', token, imageId, photo);
    for (const url of [image.urls.processed, image.urls.thumbnail]) {
      const served = await fetch(url);
      expect(served.headers.get('content-type')).toMatch(/^image\/(png|webp)$/);
      expect(served.headers.get('content-disposition')).toBe('inline');
    }
  });

  it('?comp=properties after ready: the link cannot retype anything, and read links pin the type', async () => {
    const { token, photo, imageId, link } = await readyImage('link-properties');
    const retype = () => new BlobClient(link).setHTTPHeaders({ blobContentType: 'text/html', blobContentDisposition: 'inline' });
    expect(await statusOf(retype)).toBe(403);
    await expectUntouched('link-properties', token, imageId, photo);
  });

  it('stores a JPEG declared as PNG as image/jpeg, named .jpg, downloaded as .jpg', async () => {
    const token = await app.tokenFor('link-declared-png');
    const photo = await discOnPlainBackground();
    const { imageId } = await uploadThroughApi(app, token, photo, { contentType: 'image/png', fileName: 'cat.png', title: 'Cat' });
    const image = await waitForSettledImage(app, token, imageId);
    expect(image).toMatchObject({ status: 'ready', fileType: 'image/jpeg' });
    const row = await app.db.userImage.findUniqueOrThrow({ where: { id: imageId } });
    expect(row.originalPath).toBe(`link-declared-png/${imageId}_original.jpg`);
    const properties = await app.blobs.client.getContainerClient(CONTAINERS.originals).getBlobClient(row.originalPath).getProperties();
    expect(properties.contentType).toBe('image/jpeg');
    expect(new URL(image.urls.original).pathname).toMatch(/_original\.jpg$/);
    const download = await app.api('GET', `/api/images/${imageId}/download?variant=original`, { token });
    expect(download.status).toBe(302);
    const served = await fetch(download.headers.get('location')!);
    expect(served.headers.get('content-type')).toBe('image/jpeg');
    expect(served.headers.get('content-disposition')).toContain('attachment; filename="Cat.jpg"');
  });
});
