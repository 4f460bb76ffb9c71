import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedStoredImage, storedBlobBytes, type SeededImage } from '../support/seedImages.js';
import { seedUser } from '../support/seedUser.js';
import { startTestApp, type TestApp } from '../support/testApp.js';
import { unzip } from '../support/unzip.js';

describe('ownership: user B using user A’s ids, through the HTTP API', () => {
  let app: TestApp;
  let ben: string;
  let alices: SeededImage;
  let alicesShareToken: string;
  let alicesShareLinkId: string;
  let bens: SeededImage;

  /** Everything of Alice's that B might touch: her row, her share links, her blobs. */
  const aliceState = async () => ({
    row: await app.db.userImage.findUniqueOrThrow({ where: { id: alices.image.id } }),
    links: await app.db.shareLink.findMany({ where: { imageId: alices.image.id }, orderBy: { id: 'asc' } }),
    storedBytes: await storedBlobBytes(app.blobs, 'own-alice'),
    user: await app.db.user.findUniqueOrThrow({ where: { id: 'own-alice' }, include: { quota: true } }),
  });

  beforeAll(async () => {
    app = await startTestApp();
    await seedUser(app.db, 'own-alice');
    await seedUser(app.db, 'own-ben');
    alices = await seedStoredImage(app.db, app.blobs, 'own-alice', { title: 'Alice’s' });
    bens = await seedStoredImage(app.db, app.blobs, 'own-ben', { title: 'Ben’s' });
    ben = await app.tokenFor('own-ben');
    const shared = await app.api('POST', `/api/images/${alices.image.id}/share`, { token: await app.tokenFor('own-alice'), body: {} });
    expect(shared.status).toBe(201);
    alicesShareToken = shared.body.token;
    alicesShareLinkId = shared.body.id;
  });
  afterAll(() => app?.stop());

  it.each([
    ['GET', '', undefined],
    ['PATCH', '', { title: 'mine now', isPublic: true }],
    ['PUT', '', { tags: ['stolen'] }],
    ['DELETE', '', undefined],
    ['GET', '/download', undefined],
    ['GET', '/download?variant=original', undefined],
    ['POST', '/share', { expiresInHours: 168 }],
    ['GET', '/share', undefined],
    ['DELETE', '/share', undefined],
    ['POST', '/retry', undefined],
  ] as const)('%s /api/images/{A’s id}%s is a 404 and changes nothing', async (method, suffix, body) => {
    const before = await aliceState();
    const response = await app.api(method, `/api/images/${alices.image.id}${suffix}`, { token: ben, body });
    expect(response.status).toBe(404);
    expect(response.body).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
    expect(response.headers.get('location')).toBeNull();
    expect(await aliceState()).toEqual(before);
    expect((await app.api('GET', `/api/shared/${alicesShareToken}`)).status).toBe(200);
  });

  it('B can neither see nor revoke A’s share links by their id, nor by revoking all of B’s', async () => {
    const before = await aliceState();
    const revoke = await app.api('DELETE', `/api/share-links/${alicesShareLinkId}`, { token: ben });
    expect(revoke.status).toBe(404);
    expect(revoke.body).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
    expect((await app.api('DELETE', '/api/share-links', { token: ben })).body).toEqual({ revoked: 0 });
    expect((await app.api('GET', '/api/share-links', { token: ben })).body).toEqual({ links: [], nextCursor: null });
    expect(await aliceState()).toEqual(before);
    expect((await app.api('GET', `/api/shared/${alicesShareToken}`)).status).toBe(200);
  });

  it('a bulk delete with mixed ids trashes only B’s own, and the trash routes never reach A’s images', async () => {
    const before = await aliceState();
    const missing = 'cnosuchimage000000000000';
    const response = await app.api('DELETE', '/api/gallery', { token: ben, body: { ids: [alices.image.id, bens.image.id, missing] } });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ deleted: [bens.image.id], notFound: [alices.image.id, missing] });
    expect(await aliceState()).toEqual(before);

    const restore = await app.api('POST', '/api/trash/restore', { token: ben, body: { ids: [alices.image.id, bens.image.id] } });
    expect(restore).toMatchObject({ status: 404, body: { error: { code: 'not_found', details: { notFound: [alices.image.id] } } } });
    const forGood = await app.api('DELETE', '/api/trash', { token: ben, body: { ids: [alices.image.id] } });
    expect(forGood.body).toEqual({ deleted: [], notFound: [alices.image.id] });
    expect((await app.api('GET', '/api/trash', { token: ben })).body.items.map((item: { id: string }) => item.id)).toEqual([bens.image.id]);
    expect((await app.api('DELETE', '/api/trash', { token: ben })).status).toBe(202);
    expect(await aliceState()).toEqual(before);
    expect((await app.api('GET', `/api/shared/${alicesShareToken}`)).status).toBe(200);
    expect(await app.db.userImage.count({ where: { userId: 'own-ben' } })).toBe(0);
    expect(await storedBlobBytes(app.blobs, 'own-ben')).toBe(0);
  });

  it('a ZIP request with A’s ids contains none of A’s bytes', async () => {
    const bensOther = await seedStoredImage(app.db, app.blobs, 'own-ben');
    const download = (body: unknown) =>
      fetch(`${app.baseUrl}/api/gallery/download`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ben}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    for (const ids of [[alices.image.id], [bensOther.image.id, alices.image.id]]) {
      for (const variant of ['processed', 'original', 'both']) {
        const response = await download({ ids, variant });
        expect(response.status).toBe(404);
        expect(response.headers.get('content-type')).toContain('application/json');
        const bytes = Buffer.from(await response.arrayBuffer());
        for (const file of [alices.original, alices.processed!, alices.thumbnail!]) expect(bytes.includes(file)).toBe(false);
        expect(JSON.parse(bytes.toString())).toMatchObject({ error: { code: 'not_found', details: { notFound: [alices.image.id] } } });
      }
    }
    const own = await download({ ids: [bensOther.image.id], variant: 'both' });
    expect(own.status).toBe(200);
    const entries = await unzip(Buffer.from(await own.arrayBuffer()));
    expect([...entries.values()]).toEqual([bensOther.original, bensOther.processed]);
  });

  it('B’s gallery, usage and searches never show A’s images', async () => {
    const gallery = await app.api('GET', `/api/gallery?q=${encodeURIComponent('Alice')}`, { token: ben });
    expect(gallery.body).toEqual({ items: [], nextCursor: null });
    const usage = await app.api('GET', '/api/me/usage', { token: ben });
    expect(usage.body.byStatus.ready).toBe(1);
  });

  it('every route but health and shared links wants a token', async () => {
    const id = alices.image.id;
    for (const [method, route] of [
      ['GET', `/api/images/${id}`],
      ['PATCH', `/api/images/${id}`],
      ['PUT', `/api/images/${id}`],
      ['DELETE', `/api/images/${id}`],
      ['GET', `/api/images/${id}/download`],
      ['POST', `/api/images/${id}/share`],
      ['DELETE', `/api/images/${id}/share`],
      ['GET', '/api/gallery'],
      ['DELETE', '/api/gallery'],
      ['POST', '/api/gallery/download'],
      ['GET', '/api/trash'],
      ['POST', '/api/trash/restore'],
      ['DELETE', '/api/trash'],
      ['GET', '/api/me/usage'],
      ['GET', '/api/openapi.json'],
    ] as const) {
      const response = await app.api(method, route);
      expect(response.status, `${method} ${route}`).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
    }
    expect((await app.api('GET', '/api/health')).status).toBe(200);
  });
});
