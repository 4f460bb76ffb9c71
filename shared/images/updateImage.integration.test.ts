import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openIntegrationParts } from '../../test/support/integrationParts.js';
import { seedStoredImage } from '../../test/support/seedImages.js';
import { seedUser } from '../../test/support/seedUser.js';
import type { Database } from '../db/index.js';
import { validate } from '../http/parseInput.js';
import type { BlobStore } from '../storage/blobStore.js';
import { imageUpdateSchema } from './imageUpdateSchema.js';
import { updateImage } from './updateImage.js';

describe('updating an image against PostgreSQL', () => {
  let close: (() => Promise<void>) | undefined;
  let db: Database;
  let blobs: BlobStore;

  beforeAll(async () => {
    ({ db, blobs, close } = await openIntegrationParts());
    await seedUser(db, 'upd-ann');
    await seedUser(db, 'upd-ben');
  });
  afterAll(() => close?.());

  const changes = (body: unknown) => validate(imageUpdateSchema, body, 'request body');

  it('changes title, normalised tags, favourite and public flags, and nothing else', async () => {
    const { image } = await seedStoredImage(db, blobs, 'upd-ann', { tags: ['old'] });
    const updated = await updateImage({
      db,
      userId: 'upd-ann',
      imageId: image.id,
      changes: changes({ title: '  Mon chat  ', tags: [' Pets', 'pets', 'CATS '], isFavorite: true, isPublic: true }),
    });
    expect(updated).toMatchObject({ title: 'Mon chat', tags: ['pets', 'cats'], isFavorite: true, isPublic: true });
    expect({ ...updated, title: image.title, tags: image.tags, isFavorite: false, isPublic: false, updatedAt: image.updatedAt }).toEqual(
      image,
    );

    const partial = await updateImage({ db, userId: 'upd-ann', imageId: image.id, changes: changes({ isFavorite: false }) });
    expect(partial).toMatchObject({ title: 'Mon chat', tags: ['pets', 'cats'], isFavorite: false, isPublic: true });
  });

  it('refuses what docs/api.md does not allow', () => {
    for (const body of [
      { tags: Array.from({ length: 21 }, (_, i) => `t${i}`) },
      { tags: ['x'.repeat(33)] },
      { tags: ['  '] },
      { title: '' },
      { status: 'ready' },
    ]) {
      expect(() => changes(body)).toThrow(expect.objectContaining({ code: 'invalid_request' }));
    }
  });

  it('treats another user’s image as missing and leaves it unchanged', async () => {
    const { image } = await seedStoredImage(db, blobs, 'upd-ben', { title: 'Ben’s' });
    const error = await updateImage({ db, userId: 'upd-ann', imageId: image.id, changes: changes({ title: 'stolen' }) }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({ code: 'not_found' });
    expect(await db.userImage.findUniqueOrThrow({ where: { id: image.id } })).toEqual(image);
  });
});
