import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openIntegrationParts } from '../../test/support/integrationParts.js';
import { seedStoredImage, type SeededImage } from '../../test/support/seedImages.js';
import { seedUser } from '../../test/support/seedUser.js';
import type { Database } from '../db/index.js';
import { deleteImage } from '../images/deleteImage.js';
import type { BlobStore } from '../storage/blobStore.js';
import { readLinkWindow } from '../storage/sasSigner.js';
import { createShareLink } from './createShareLink.js';
import { openSharedImage } from './openSharedImage.js';
import { removeDeadShareLinks } from './removeDeadShareLinks.js';
import { revokeShareLinks } from './revokeShareLinks.js';

const HOUR = 3_600_000;
const BASE_URL = 'https://detour.example';

describe('share links against PostgreSQL and Azurite', () => {
  let close: (() => Promise<void>) | undefined;
  let db: Database;
  let blobs: BlobStore;
  let shared: SeededImage;

  beforeAll(async () => {
    ({ db, blobs, close } = await openIntegrationParts());
    await seedUser(db, 'share-ann');
    await seedUser(db, 'share-ben');
    shared = await seedStoredImage(db, blobs, 'share-ann', { title: 'Mon chat' });
  });
  afterAll(() => close?.());

  const share = (options: { userId?: string; imageId?: string; hours?: number; now?: Date } = {}) =>
    createShareLink({
      db,
      userId: options.userId ?? 'share-ann',
      imageId: options.imageId ?? shared.image.id,
      expiresInHours: options.hours ?? 24,
      publicBaseUrl: BASE_URL,
      now: options.now,
    });
  const open = (token: string, now?: Date) => openSharedImage({ db, blobs, token, ttlMinutes: 15, now }).catch((error: unknown) => error);
  const statusOf = async (url: string) => (await fetch(url)).status;

  it('makes a 256-bit token, stores only its hash, and serves the cut-out and thumbnail', async () => {
    const link = await share({ hours: 2 });
    expect(Buffer.from(link.token, 'base64url')).toHaveLength(32);
    expect(link.url).toBe(`${BASE_URL}/api/shared/${link.token}`);
    const row = await db.shareLink.findFirstOrThrow({ where: { imageId: shared.image.id }, orderBy: { createdAt: 'desc' } });
    expect(row.tokenHash).toBe(createHash('sha256').update(link.token).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(link.token);

    const openedAt = new Date();
    const view = await openSharedImage({ db, blobs, token: link.token, ttlMinutes: 12, now: openedAt });
    expect(view).toMatchObject({ title: 'Mon chat', dimensions: { width: 24, height: 24 }, expiresAt: link.expiresAt.toISOString() });
    expect(Buffer.from(await (await fetch(view.urls.processed)).arrayBuffer())).toEqual(shared.processed);
    expect(Buffer.from(await (await fetch(view.urls.thumbnail)).arrayBuffer())).toEqual(shared.thumbnail);
    for (const url of Object.values(view.urls)) {
      const expiry = Date.parse(new URL(url).searchParams.get('se')!);
      // Aligned to the signing window (3 minutes for a 12-minute link), never shorter than promised.
      expect(expiry).toBe(readLinkWindow(openedAt, 12 * 60_000).expiresOn.getTime());
      expect(expiry).toBeGreaterThanOrEqual(openedAt.getTime() + 12 * 60_000);
    }
    await openSharedImage({ db, blobs, token: link.token, ttlMinutes: 12 });
    expect((await db.shareLink.findUniqueOrThrow({ where: { id: row.id } })).viewCount).toBe(2);
  });

  it('never gives links that outlive the share, and its links stop working when they expire', async () => {
    const issuedAt = new Date(Date.now() - 55 * 60_000);
    const link = await share({ hours: 1, now: issuedAt });
    const view = (await open(link.token)) as Awaited<ReturnType<typeof openSharedImage>>;
    expect(Date.parse(new URL(view.urls.processed).searchParams.get('se')!)).toBe(Math.floor(link.expiresAt.getTime() / 1000) * 1000);

    const openedLongAgo = (await open(link.token, new Date(Date.now() - 20 * 60_000))) as Awaited<ReturnType<typeof openSharedImage>>;
    expect(await statusOf(openedLongAgo.urls.processed)).toBe(403);
    expect(await statusOf(openedLongAgo.urls.thumbnail)).toBe(403);
    expect(await statusOf(view.urls.processed)).toBe(200);
  });

  it('is a 404 once expired, once revoked, and for unknown tokens', async () => {
    const expired = await share({ hours: 1, now: new Date(Date.now() - 2 * HOUR) });
    expect(await open(expired.token)).toMatchObject({ code: 'not_found' });

    const first = await share();
    const second = await share({ hours: 168 });
    expect(await open(first.token)).toHaveProperty('title');
    await revokeShareLinks({ db, userId: 'share-ann', imageId: shared.image.id });
    expect(await open(first.token)).toMatchObject({ code: 'not_found' });
    expect(await open(second.token)).toMatchObject({ code: 'not_found' });
    expect(await open('A'.repeat(43))).toMatchObject({ code: 'not_found' });
  });

  it('drops links expired or revoked long ago, and keeps the others', async () => {
    const longExpired = await share({ hours: 1, now: new Date(Date.now() - 40 * 24 * HOUR) });
    const live = await share({ hours: 168 });
    const hashes = async () => (await db.shareLink.findMany({ select: { tokenHash: true } })).map((link) => link.tokenHash);
    const countBefore = (await hashes()).length;
    expect(await removeDeadShareLinks({ db })).toEqual({ removed: 1 });
    expect(await hashes()).toHaveLength(countBefore - 1);
    expect(await open(live.token)).toHaveProperty('title');
    expect(await open(longExpired.token)).toMatchObject({ code: 'not_found' });
    const remaining = (await hashes()).length;
    expect(await removeDeadShareLinks({ db, now: new Date(Date.now() + 60 * 24 * HOUR) })).toEqual({ removed: remaining });
    expect(await hashes()).toEqual([]);
  });

  it('lets nobody else share or revoke, shares only ready images, and dies with its image', async () => {
    const kept = await share();
    expect(await share({ userId: 'share-ben' }).catch((error: unknown) => error)).toMatchObject({ code: 'not_found' });
    expect(await revokeShareLinks({ db, userId: 'share-ben', imageId: shared.image.id }).catch((error: unknown) => error)).toMatchObject({
      code: 'not_found',
    });
    expect(await open(kept.token)).toHaveProperty('title');

    const queued = await seedStoredImage(db, blobs, 'share-ann', { status: 'queued' });
    expect(await share({ imageId: queued.image.id }).catch((error: unknown) => error)).toMatchObject({ code: 'conflict' });

    const doomed = await seedStoredImage(db, blobs, 'share-ann');
    const doomedLink = await share({ imageId: doomed.image.id });
    await deleteImage({ db, blobs, userId: 'share-ann', imageId: doomed.image.id, permanent: true });
    expect(await open(doomedLink.token)).toMatchObject({ code: 'not_found' });
  });
});
