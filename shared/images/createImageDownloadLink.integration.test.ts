import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openIntegrationParts } from '../../test/support/integrationParts.js';
import { seedStoredImage } from '../../test/support/seedImages.js';
import { seedUser } from '../../test/support/seedUser.js';
import type { Database } from '../db/index.js';
import type { BlobStore } from '../storage/blobStore.js';
import { readLinkWindow } from '../storage/sasSigner.js';
import { createImageDownloadLink } from './createImageDownloadLink.js';

describe('download links against PostgreSQL and Azurite', () => {
  let close: (() => Promise<void>) | undefined;
  let db: Database;
  let blobs: BlobStore;

  beforeAll(async () => {
    ({ db, blobs, close } = await openIntegrationParts());
    await seedUser(db, 'dl-ann');
    await seedUser(db, 'dl-ben');
  });
  afterAll(() => close?.());

  it('links to the file itself, served as an attachment named after the title', async () => {
    const seeded = await seedStoredImage(db, blobs, 'dl-ann', { title: 'Été à la plage' });
    for (const [variant, bytes, name] of [
      ['processed', seeded.processed!, 'Ete-a-la-plage.png'],
      ['original', seeded.original, 'Ete-a-la-plage.png'],
    ] as const) {
      const now = new Date();
      const link = await createImageDownloadLink({ db, blobs, userId: 'dl-ann', imageId: seeded.image.id, variant, ttlMinutes: 7, now });
      // Aligned to its signing window, never shorter than asked.
      expect(link.expiresAt).toEqual(readLinkWindow(now, 7 * 60_000).expiresOn);
      expect(link.expiresAt.getTime() - now.getTime()).toBeGreaterThanOrEqual(7 * 60_000);
      const response = await fetch(link.url);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-disposition')).toBe(`attachment; filename="${name}"; filename*=UTF-8''${name}`);
      expect(Buffer.from(await response.arrayBuffer())).toEqual(bytes);
    }
  });

  it('is a conflict while the asked file does not exist yet', async () => {
    const { image } = await seedStoredImage(db, blobs, 'dl-ann', { status: 'queued' });
    const error = await createImageDownloadLink({
      db,
      blobs,
      userId: 'dl-ann',
      imageId: image.id,
      variant: 'processed',
      ttlMinutes: 5,
    }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'conflict' });
    expect(
      await createImageDownloadLink({ db, blobs, userId: 'dl-ann', imageId: image.id, variant: 'original', ttlMinutes: 5 }),
    ).toHaveProperty('url');
  });

  it('treats another user’s image as missing', async () => {
    const { image } = await seedStoredImage(db, blobs, 'dl-ben');
    const error = await createImageDownloadLink({
      db,
      blobs,
      userId: 'dl-ann',
      imageId: image.id,
      variant: 'original',
      ttlMinutes: 5,
    }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'not_found' });
  });
});
