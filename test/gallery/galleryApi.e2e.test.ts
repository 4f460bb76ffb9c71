import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { galleryPageSchema } from '../../shared/gallery/gallerySchemas.js';
import { imageResourceSchema } from '../../shared/images/imageSchemas.js';
import { sharedImageSchema } from '../../shared/sharing/shareSchemas.js';
import { usageSchema } from '../../shared/usage/usageSchema.js';
import { discOnPlainBackground } from '../support/sampleImages.js';
import { distinctPng, seedStoredImage, type SeededImage } from '../support/seedImages.js';
import { seedUser } from '../support/seedUser.js';
import { startTestApp, type TestApp } from '../support/testApp.js';
import { unzip } from '../support/unzip.js';
import { storedBytesOf, uploadThroughApi, waitForSettledImage } from '../support/uploadThroughApi.js';

describe('gallery API through the devhost', () => {
  let app: TestApp;
  let token: string;
  const images: SeededImage[] = [];

  beforeAll(async () => {
    app = await startTestApp();
    await seedUser(app.db, 'api-ann');
    token = await app.tokenFor('api-ann');
    for (let n = 0; n < 50; n += 1)
      images.push(await seedStoredImage(app.db, app.blobs, 'api-ann', { title: `Photo ${n}`, tags: n % 2 ? ['odd'] : [] }));
  });
  afterAll(() => app?.stop());

  it('streams a ZIP of 50 images that unzips to byte-identical files with safe unique names', async () => {
    const response = await fetch(`${app.baseUrl}/api/gallery/download`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ids: images.map((seeded) => seeded.image.id) }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/zip');
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="detour-\d{4}-\d{2}-\d{2}\.zip"/);
    // Streamed, not gathered first: the host buffers a whole body (and sends its length) unless the app enables streaming.
    expect(response.headers.get('content-length')).toBeNull();
    expect(response.headers.get('transfer-encoding')).toBe('chunked');
    const entries = await unzip(Buffer.from(await response.arrayBuffer()));
    expect(entries.size).toBe(50);
    for (const seeded of images) {
      expect(entries.get(`${seeded.image.title.replace(' ', '-')}_${seeded.image.id}.png`)).toEqual(seeded.processed);
    }
    const tooMany = await app.api('POST', '/api/gallery/download', {
      token,
      body: { ids: Array.from({ length: 101 }, () => images[0]!.image.id) },
    });
    expect(tooMany.status).toBe(400);
  });

  it('pages the gallery with filters and refuses a bad query', async () => {
    const first = await app.api('GET', '/api/gallery?limit=20&tags=ODD', { token });
    expect(first.status).toBe(200);
    const page = galleryPageSchema.parse(first.body);
    expect(page.items.every((item) => item.tags.includes('odd'))).toBe(true);
    const second = await app.api('GET', `/api/gallery?limit=20&tags=odd&cursor=${encodeURIComponent(page.nextCursor!)}`, { token });
    expect(second.body.items).toHaveLength(5);
    expect(second.body.nextCursor).toBeNull();
    expect(new Set([...page.items, ...second.body.items].map((item: { id: string }) => item.id)).size).toBe(25);

    for (const query of [
      'limit=0',
      'limit=101',
      'sort=sideways',
      'favourite=true',
      'from=yesterday',
      `cursor=${encodeURIComponent(page.nextCursor!)}`,
    ]) {
      const refused = await app.api('GET', `/api/gallery?${query}`, { token });
      expect(refused.status, query).toBe(400);
      expect(refused.body.error.code).toBe('invalid_request');
    }
  });

  it('shows, updates and redirects downloads of one image', async () => {
    const [seeded] = images;
    const shown = await app.api('GET', `/api/images/${seeded!.image.id}`, { token });
    expect(imageResourceSchema.parse(shown.body)).toMatchObject({ id: seeded!.image.id, status: 'ready' });
    const updated = await app.api('PATCH', `/api/images/${seeded!.image.id}`, {
      token,
      body: { title: ' Été ', tags: ['A', 'a ', 'b'], isFavorite: true },
    });
    expect(updated.body).toMatchObject({ title: 'Été', tags: ['a', 'b'], isFavorite: true, isPublic: false });
    const replaced = await app.api('PUT', `/api/images/${seeded!.image.id}`, { token, body: { isPublic: true } });
    expect(replaced.body).toMatchObject({ title: 'Été', tags: ['a', 'b'], isPublic: true });
    expect((await app.api('PATCH', `/api/images/${seeded!.image.id}`, { token, body: { status: 'ready' } })).status).toBe(400);

    const redirect = await app.api('GET', `/api/images/${seeded!.image.id}/download`, { token });
    expect(redirect.status).toBe(302);
    const file = await fetch(redirect.headers.get('location')!);
    expect(file.headers.get('content-disposition')).toContain('attachment; filename="Ete.png"');
    expect(Buffer.from(await file.arrayBuffer())).toEqual(seeded!.processed);
  });

  it('links the preview of a ready image, and shows one made before previews existed without one', async () => {
    const [withPreview] = images;
    const shown = imageResourceSchema.parse((await app.api('GET', `/api/images/${withPreview!.image.id}`, { token })).body);
    expect(Buffer.from(await (await fetch(shown.urls.preview!)).arrayBuffer())).toEqual(withPreview!.preview);

    const older = await seedStoredImage(app.db, app.blobs, 'api-ann', { withoutPreview: true });
    const olderShown = imageResourceSchema.parse((await app.api('GET', `/api/images/${older.image.id}`, { token })).body);
    expect(olderShown).toMatchObject({ status: 'ready', urls: { preview: null } });
    expect(Buffer.from(await (await fetch(olderShown.urls.thumbnail!)).arrayBuffer())).toEqual(older.thumbnail);
    expect((await app.api('DELETE', `/api/images/${older.image.id}`, { token })).status).toBe(204);
  });

  it('shares an image without sign-in, through the HTTP edge, until the link is revoked', async () => {
    const { image, preview } = images[1]!;
    const created = await app.api('POST', `/api/images/${image.id}/share`, {
      token,
      body: { expiresInHours: 1, password: 'open sesame', allowDownload: false },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      url: `${app.config.publicBaseUrl}/s/${created.body.token}`,
      hasPassword: true,
      allowDownload: false,
    });
    for (const body of [{ expiresInHours: 0 }, { expiresInHours: 721 }, { expiresInHours: 1.5 }, { maxViews: -1 }, { password: '' }]) {
      expect((await app.api('POST', `/api/images/${image.id}/share`, { token, body })).body.error.code).toBe('invalid_request');
    }

    // Everything a visitor gets, as a visitor gets it (no token), kept to be scanned for ids below.
    const shared = `/api/shared/${created.body.token}`;
    const replies: Array<{ status: number; headers: Headers; text: string }> = [];
    const visit = async (route: string, init: RequestInit = {}) => {
      const response = await fetch(`${app.baseUrl}${route}`, init);
      const reply = { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
      replies.push({ status: reply.status, headers: reply.headers, text: reply.bytes.toString('latin1') });
      return reply;
    };
    const jsonOf = (reply: { bytes: Buffer }) => JSON.parse(reply.bytes.toString('utf8'));
    expect(jsonOf(await visit(shared)).error.code).toBe('password_required');
    const unlock = (password: string, route = shared) =>
      visit(`${route}/access`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ password }) });
    const wrong = await unlock('open says me');
    const unknown = await unlock('open sesame', '/api/shared/no-such-share-token-000');
    expect([wrong.status, unknown.status]).toEqual([403, 403]);
    expect(wrong.bytes).toEqual(unknown.bytes);
    const { access } = jsonOf(await unlock('open sesame'));
    const page = await visit(`${shared}?access=${encodeURIComponent(access)}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    const data = sharedImageSchema.parse(jsonOf(page));
    expect(data).toMatchObject({ title: image.title, expiresAt: created.body.expiresAt, allowDownload: false, urls: { download: null } });

    const head = await visit(data.urls.preview, { method: 'HEAD' });
    expect(head).toMatchObject({ status: 200, bytes: Buffer.alloc(0) });
    const previewReply = await visit(data.urls.preview);
    expect(previewReply.bytes).toEqual(preview);
    expect(Object.fromEntries(previewReply.headers)).toMatchObject({
      'content-type': 'image/webp',
      'cache-control': 'private, no-store',
      'x-content-type-options': 'nosniff',
      'x-robots-tag': 'noindex, nofollow',
    });
    expect(jsonOf(await visit(data.urls.preview.replace('/preview?', '/download?'))).error.code).toBe('download_not_allowed');
    expect((await app.db.shareLink.findUniqueOrThrow({ where: { id: created.body.id } })).viewCount).toBe(1);

    expect((await app.api('DELETE', `/api/share-links/${created.body.id}`, { token })).status).toBe(204);
    for (const route of [`${shared}?access=${encodeURIComponent(access)}`, data.urls.preview]) {
      const gone = await visit(route);
      expect(gone.status, route).toBe(404);
      expect(jsonOf(gone).error.code).toBe('not_found');
    }
    expect((await unlock('open sesame')).bytes).toEqual(wrong.bytes);
    for (const reply of replies) {
      const seen = `${JSON.stringify(Object.fromEntries(reply.headers))}\n${reply.text}`;
      expect(seen).not.toContain(image.id);
      expect(seen).not.toContain(image.userId);
    }
  });

  it('keeps trashed images’ bytes until they are deleted for good: storageUsed is always the exact sum of the stored blobs', async () => {
    const owner = await app.tokenFor('api-ben');
    const uploaded: string[] = [];
    for (const format of ['png', 'jpeg', 'webp', 'png'] as const) {
      const { imageId } = await uploadThroughApi(app, owner, await discOnPlainBackground({ format, width: 320, height: 240 }), {
        contentType: `image/${format}`,
      });
      uploaded.push(imageId);
    }
    for (const imageId of uploaded) expect((await waitForSettledImage(app, owner, imageId)).status).toBe('ready');
    const usageNow = async () => usageSchema.parse((await app.api('GET', '/api/me/usage', { token: owner })).body);
    expect((await usageNow()).storageUsed).toBe(await storedBytesOf(app, 'api-ben'));

    expect((await app.api('DELETE', `/api/images/${uploaded[0]}?permanent=true`, { token: owner })).status).toBe(204);
    expect((await app.api('GET', `/api/images/${uploaded[0]}`, { token: owner })).status).toBe(404);
    expect((await usageNow()).storageUsed).toBe(await storedBytesOf(app, 'api-ben'));

    // To the trash: out of the gallery, still stored and counted.
    const bulk = await app.api('DELETE', '/api/gallery', { token: owner, body: { ids: [uploaded[1], uploaded[2]] } });
    expect(bulk.body).toEqual({ deleted: [uploaded[1], uploaded[2]], notFound: [] });
    expect((await app.api('GET', `/api/images/${uploaded[1]}`, { token: owner })).status).toBe(404);
    const trashed = await usageNow();
    expect(trashed.storageUsed).toBe(await storedBytesOf(app, 'api-ben'));
    expect(trashed).toMatchObject({ imageCount: 3, byStatus: { ready: 1 }, trash: { images: 2 } });
    const trash = await app.api('GET', '/api/trash?limit=1', { token: owner });
    expect(trash.status).toBe(200);
    expect(trash.body.items).toHaveLength(1);
    expect(trash.body.nextCursor).toEqual(expect.any(String));

    // Restored exactly, then deleted again and the trash emptied: the bytes go.
    expect(await app.api('POST', '/api/trash/restore', { token: owner, body: { ids: [uploaded[2]] } })).toMatchObject({
      status: 200,
      body: { restored: 1 },
    });
    expect((await app.api('GET', `/api/images/${uploaded[2]}`, { token: owner })).body).toMatchObject({ id: uploaded[2], status: 'ready' });
    expect((await app.api('DELETE', `/api/images/${uploaded[2]}`, { token: owner })).status).toBe(204);
    expect(await app.api('DELETE', '/api/trash', { token: owner })).toMatchObject({ status: 202, body: { deleting: 2 } });
    const usage = await usageNow();
    expect(usage.storageUsed).toBe(await storedBytesOf(app, 'api-ben'));
    expect(usage.storageUsed).toBeGreaterThan(0);
    expect(usage).toMatchObject({ imageCount: 1, byStatus: { ready: 1 }, trash: { images: 0, bytes: 0 } });
  });

  it('empties a trash larger than the reply finishes: the image-deletions queue finishes the rest, bytes included', async () => {
    const owner = await app.tokenFor('api-dan');
    await seedUser(app.db, 'api-dan', { storageLimitBytes: 1024 ** 3, imageLimit: 200 });
    const original = await distinctPng();
    const seeded: SeededImage[] = [];
    for (let start = 0; start < 130; start += 26) {
      seeded.push(
        ...(await Promise.all(
          Array.from({ length: 26 }, () => seedStoredImage(app.db, app.blobs, 'api-dan', { status: 'queued', original })),
        )),
      );
    }
    const ids = seeded.map(({ image }) => image.id);
    for (let start = 0; start < ids.length; start += 100) {
      const trashed = await app.api('DELETE', '/api/gallery', { token: owner, body: { ids: ids.slice(start, start + 100) } });
      expect(trashed.status).toBe(200);
    }
    expect(await app.api('DELETE', '/api/trash', { token: owner })).toMatchObject({ status: 202, body: { deleting: 130 } });
    // 100 finished before the reply; the other 30 by the queue, long before the clean-up timer would.
    await expect.poll(() => app.db.userImage.count({ where: { userId: 'api-dan' } }), { timeout: 60_000 }).toBe(0);
    expect(await storedBytesOf(app, 'api-dan')).toBe(0);
    expect(await app.api('GET', '/api/me/usage', { token: owner })).toMatchObject({ status: 200, body: { storageUsed: 0, imageCount: 0 } });
  });

  it('refuses malformed trash requests with invalid_request and changes nothing', async () => {
    const owner = await app.tokenFor('api-cat');
    await seedUser(app.db, 'api-cat');
    const seeded = await seedStoredImage(app.db, app.blobs, 'api-cat');
    expect((await app.api('DELETE', '/api/gallery', { token: owner, body: { ids: [seeded.image.id] } })).status).toBe(200);
    for (const [method, route, body] of [
      ['POST', '/api/trash/restore', {}],
      ['POST', '/api/trash/restore', { ids: [seeded.image.id], all: true }],
      ['POST', '/api/trash/restore', { all: false }],
      ['POST', '/api/trash/restore', { ids: ['NOT-AN-ID'] }],
      ['DELETE', '/api/trash', { ids: [] }],
      ['DELETE', '/api/trash', { all: true }],
      ['GET', '/api/trash?limit=0', undefined],
      ['GET', '/api/trash?cursor=forged.cursor', undefined],
      ['GET', '/api/trash?sort=oldest', undefined],
      ['DELETE', `/api/images/${seeded.image.id}?permanent=yes`, undefined],
    ] as const) {
      const response = await app.api(method, route, { token: owner, body });
      expect(response.status, `${method} ${route} ${JSON.stringify(body)}`).toBe(400);
      expect(response.body.error.code).toBe('invalid_request');
    }
    const trash = await app.api('GET', '/api/trash', { token: owner });
    expect(trash.body.items.map((item: { id: string }) => item.id)).toEqual([seeded.image.id]);
  });

  it('serves health without sign-in and the committed OpenAPI document', async () => {
    expect(await app.api('GET', '/api/health')).toMatchObject({
      status: 200,
      body: { status: 'ok', checks: { database: 'ok', storage: 'ok' } },
    });
    const document = await app.api('GET', '/api/openapi.json', { token });
    expect(document.status).toBe(200);
    expect(document.body).toEqual(JSON.parse(await readFile(new URL('../../docs/openapi.json', import.meta.url), 'utf8')));
  });
});
