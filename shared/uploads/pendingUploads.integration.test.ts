import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openIntegrationParts } from '../../test/support/integrationParts.js';
import { discOnPlainBackground, htmlPage } from '../../test/support/sampleImages.js';
import { seedUser } from '../../test/support/seedUser.js';
import { TEST_UPLOAD_SETTINGS } from '../../test/support/uploadSettings.js';
import type { Database } from '../db/index.js';
import { CONTAINERS, intakeBlob, originalBlob } from '../storage/blobPaths.js';
import type { BlobStore } from '../storage/blobStore.js';
import { removeAbandonedUpload } from '../images/imageLifecycle.js';
import { checkUploadedOriginal } from './checkUploadedOriginal.js';
import { removeStalePendingUploads } from './removeStalePendingUploads.js';
import { requestUpload } from './requestUpload.js';

const events: { event: string; fields: Record<string, unknown> }[] = [];
const log = (event: string, fields: Record<string, unknown>) => events.push({ event, fields });

describe('pending uploads against PostgreSQL and Azurite', () => {
  let close: (() => Promise<void>) | undefined;
  let db: Database;
  let blobs: BlobStore;

  beforeAll(async () => {
    ({ db, blobs, close } = await openIntegrationParts());
    await seedUser(db, 'pending-ann');
  });
  afterAll(() => close?.());

  /** An upload request without a `sha256` hint, which always makes a pending image. */
  const request = async (size: number, now?: Date) => {
    const requested = await requestUpload({
      db,
      blobs,
      config: TEST_UPLOAD_SETTINGS,
      log,
      userId: 'pending-ann',
      request: { fileName: 'a.png', contentType: 'image/png', size },
      now,
    });
    if (requested.duplicateOf) throw new Error('A request without sha256 was answered as a duplicate.');
    return requested;
  };

  it('deletes, unjudged, intake blobs of names the product did not make and blobs without a pending row', async () => {
    const png = await discOnPlainBackground({ format: 'png' });
    for (const [blobName, reason] of [
      ['pending-ann/x.png', 'not a blob name the product makes'],
      ['pending-ann/cnotarowatall0000000000', 'no image row for this blob'],
    ]) {
      await blobs.upload({ container: CONTAINERS.uploads, name: blobName! }, png, 'image/png');
      expect(await checkUploadedOriginal({ db, blobs, maxInputPixels: 1e8, blobName: blobName!, content: png })).toEqual({
        outcome: 'skipped',
        reason,
      });
      expect(await blobs.sizeOf({ container: CONTAINERS.uploads, name: blobName! })).toBeUndefined();
    }
  });

  it('stores the bytes it judged as the original, under the checked type, and deletes the intake blob', async () => {
    const jpeg = await discOnPlainBackground({ format: 'jpeg' });
    const { image } = await request(jpeg.length);
    const intake = intakeBlob('pending-ann', image.id);
    await blobs.upload(intake, jpeg, 'image/png');
    const result = await checkUploadedOriginal({ db, blobs, maxInputPixels: 1e8, blobName: intake.name, content: jpeg });
    expect(result).toMatchObject({ outcome: 'ok', image: { status: 'queued', fileType: 'image/jpeg' } });
    const original = originalBlob('pending-ann', image.id, 'image/jpeg');
    const row = await db.userImage.findUniqueOrThrow({ where: { id: image.id } });
    expect(row.originalPath).toBe(original.name);
    expect(row.sha256).toBe(createHash('sha256').update(jpeg).digest('hex'));
    expect((await blobs.readAll(original)).equals(jpeg)).toBe(true);
    expect(await blobs.sizeOf(intake)).toBeUndefined();
    expect(await blobs.sizeOf(originalBlob('pending-ann', image.id, 'image/png'))).toBeUndefined();
  });

  it('keeps the first checked bytes when a second check of the same upload brings others', async () => {
    const first = await discOnPlainBackground({ format: 'png', width: 300 });
    const second = await discOnPlainBackground({ format: 'png', width: 300, height: 481 });
    const { image } = await request(second.length);
    const intake = intakeBlob('pending-ann', image.id);
    // Two deliveries judged at once (the intake blob deleted and created again in between).
    await blobs.createOnce(originalBlob('pending-ann', image.id, 'image/png'), first, 'image/png');
    const late = await checkUploadedOriginal({ db, blobs, maxInputPixels: 1e8, blobName: intake.name, content: second });
    expect(late).toEqual({ outcome: 'skipped', reason: 'another upload of this image was stored first' });
    expect((await blobs.readAll(originalBlob('pending-ann', image.id, 'image/png'))).equals(first)).toBe(true);
  });

  it('does not let a blob under another user id claim someone else’s row', async () => {
    const { image } = await request(100);
    const forged = `someone-else/${image.id}`;
    expect(await checkUploadedOriginal({ db, blobs, maxInputPixels: 1e8, blobName: forged, content: htmlPage })).toMatchObject({
      outcome: 'skipped',
    });
    expect((await db.userImage.findUniqueOrThrow({ where: { id: image.id } })).status).toBe('pending_upload');
  });

  it('judges a blob once: a second delivery changes nothing, and finishes a delete left undone', async () => {
    const { image } = await request(htmlPage.length);
    const location = intakeBlob('pending-ann', image.id);
    await blobs.upload(location, htmlPage, 'image/png');
    const first = await checkUploadedOriginal({ db, blobs, maxInputPixels: 1e8, blobName: location.name, content: htmlPage });
    expect(first).toMatchObject({ outcome: 'failed', code: 'not_an_image', message: 'The file is not an image.' });
    const userAfterFirst = await db.user.findUniqueOrThrow({ where: { id: 'pending-ann' }, include: { quota: true } });

    // As if the blob delete had failed after the row was marked: the redelivery removes the blob.
    await blobs.upload(location, htmlPage, 'image/png');
    const second = await checkUploadedOriginal({ db, blobs, maxInputPixels: 1e8, blobName: location.name, content: htmlPage });
    expect(second).toMatchObject({ outcome: 'skipped' });
    expect(await blobs.sizeOf(location)).toBeUndefined();
    expect(await db.user.findUniqueOrThrow({ where: { id: 'pending-ann' }, include: { quota: true } })).toEqual(userAfterFirst);
  });

  it('removes uploads abandoned long ago with any blob, and gives their reservation back', async () => {
    const longAgo = new Date(Date.now() - 3 * 3_600_000);
    const abandoned = await request(5000, longAgo);
    await blobs.upload(intakeBlob('pending-ann', abandoned.image.id), Buffer.alloc(10), 'image/png');
    const recent = await request(7000);
    const before = await db.user.findUniqueOrThrow({ where: { id: 'pending-ann' }, include: { quota: true } });

    expect(await removeStalePendingUploads({ db, blobs, graceHours: 1 })).toEqual({ removed: 1 });

    expect(await db.userImage.findUnique({ where: { id: abandoned.image.id } })).toBeNull();
    expect(await db.userImage.findUnique({ where: { id: recent.image.id } })).not.toBeNull();
    expect(await blobs.sizeOf(intakeBlob('pending-ann', abandoned.image.id))).toBeUndefined();
    const after = await db.user.findUniqueOrThrow({ where: { id: 'pending-ann' }, include: { quota: true } });
    expect(after.storageUsed).toBe(before.storageUsed - 5000n);
    expect(after.quota!.imageCount).toBe(before.quota!.imageCount - 1);
    expect(await removeStalePendingUploads({ db, blobs, graceHours: 1 })).toEqual({ removed: 0 });
  });

  it('logs quota_warning once per crossing of 80 % and 100 % of a limit, again only after usage fell below', async () => {
    await seedUser(db, 'pending-few', { storageLimitBytes: 1000, imageLimit: 10 });
    // Its webhook gets a `quota.warning` event per crossing, recorded with the reservation that crossed.
    const webhook = await db.webhook.create({
      data: { userId: 'pending-few', url: 'https://example.com/hook', events: ['quota.warning'], sealedSecret: 'unused' },
    });
    events.length = 0;
    const upload = (size: number) =>
      requestUpload({
        db,
        blobs,
        config: TEST_UPLOAD_SETTINGS,
        log,
        userId: 'pending-few',
        request: { fileName: 'a.png', contentType: 'image/png', size },
      });
    const quotaEvents = () =>
      events.filter((e) => e.event.startsWith('quota_')).map((e) => [e.event, e.fields.limit, e.fields.percent, e.fields.used]);
    for (let i = 0; i < 10; i++) await upload(10);
    expect(quotaEvents()).toEqual([
      ['quota_warning', 'images', 80, 8],
      ['quota_warning', 'images', 100, 10],
      ['quota_reached', 'images', 100, 10],
    ]);
    const warningsSent = async () =>
      (await db.webhookDelivery.findMany({ where: { webhookId: webhook.id }, orderBy: { createdAt: 'asc' } })).map((delivery) => {
        const body = JSON.parse(delivery.body) as { type: string; data: Record<string, unknown> };
        return [delivery.type, body.type, body.data];
      });
    expect(await warningsSent()).toEqual([
      ['quota.warning', 'quota.warning', { limit: 'images', percent: 80, used: 8, max: 10 }],
      ['quota.warning', 'quota.warning', { limit: 'images', percent: 100, used: 10, max: 10 }],
    ]);
    // A request refused for the quota crosses nothing and sends nothing.
    await expect(upload(10)).rejects.toMatchObject({ code: 'quota_exceeded' });
    expect(await warningsSent()).toHaveLength(2);

    // Usage falls below 80 % (two images go) and rises again: each threshold is crossed, and told, anew.
    events.length = 0;
    const pending = await db.userImage.findMany({ where: { userId: 'pending-few' }, take: 3 });
    for (const image of pending) await removeAbandonedUpload(db, image);
    for (let i = 0; i < 2; i++) await upload(10);
    expect(quotaEvents()).toEqual([['quota_warning', 'images', 80, 8]]);
    expect((await warningsSent()).slice(2)).toEqual([
      ['quota.warning', 'quota.warning', { limit: 'images', percent: 80, used: 8, max: 10 }],
    ]);

    // Storage: 100 + 600 bytes stay below 80 % of 1,000; 150 more cross it; 10 more stay above it.
    await seedUser(db, 'pending-big', { storageLimitBytes: 1000, imageLimit: 100 });
    events.length = 0;
    const uploadBig = (size: number) =>
      requestUpload({
        db,
        blobs,
        config: TEST_UPLOAD_SETTINGS,
        log,
        userId: 'pending-big',
        request: { fileName: 'a.png', contentType: 'image/png', size },
      });
    for (const size of [100, 600, 150, 10]) await uploadBig(size);
    expect(quotaEvents()).toEqual([['quota_warning', 'storage', 80, 850]]);
    await uploadBig(140);
    expect(quotaEvents()).toEqual([
      ['quota_warning', 'storage', 80, 850],
      ['quota_warning', 'storage', 100, 1000],
      ['quota_reached', 'storage', 100, 1000],
    ]);
  });
});
