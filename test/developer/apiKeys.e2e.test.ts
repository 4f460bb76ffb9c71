import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../../shared/apiKeys/apiKeySecret.js';
import { seedStoredImage } from '../support/seedImages.js';
import { startTestApp, type TestApp } from '../support/testApp.js';

const uploadRequest = { fileName: 'a.jpg', contentType: 'image/jpeg', size: 10 };

describe('API keys, through the HTTP API', () => {
  let app: TestApp;
  let alice: string;

  const createKey = async (token: string, body: Record<string, unknown>) => {
    const response = await app.api('POST', '/api/keys', { token, body });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return response.body as { id: string; key: string; scopes: string[]; expiresAt: string | null };
  };

  beforeAll(async () => {
    app = await startTestApp({ env: { UPLOAD_RATE_LIMIT_PER_MINUTE: '1000', API_KEY_UPLOAD_RATE_LIMIT_PER_MINUTE: '2' } });
    alice = await app.tokenFor('keys-alice');
  });
  afterAll(() => app?.stop());

  it('makes a dtr_ key with 256 random bits, shown once and stored only as its SHA-256', async () => {
    const created = await createKey(alice, { name: 'backup script' });
    expect(created.key).toMatch(/^dtr_[A-Za-z0-9_-]{43}$/);
    expect(created.scopes).toEqual(['images:read', 'images:write', 'uploads', 'shares']);
    expect(created.expiresAt).toBeNull();
    const stored = await app.db.apiKey.findUniqueOrThrow({ where: { id: created.id } });
    expect(stored.keyHash).toBe(hashApiKey(created.key));
    expect(JSON.stringify(stored)).not.toContain(created.key.slice(4));

    const listed = await app.api('GET', '/api/keys', { token: alice });
    expect(listed.status).toBe(200);
    const mine = listed.body.keys.find((key: { id: string }) => key.id === created.id);
    expect(mine).toEqual({
      id: created.id,
      name: 'backup script',
      scopes: created.scopes,
      createdAt: expect.any(String),
      expiresAt: null,
      lastUsedAt: null,
    });
    expect(JSON.stringify(listed.body)).not.toContain(created.key);
  });

  it('an images:read key lists the gallery but gets 403 insufficient_scope on upload', async () => {
    const { key } = await createKey(alice, { name: 'reader', scopes: ['images:read'] });
    const gallery = await app.api('GET', '/api/gallery', { token: key });
    expect(gallery.status, JSON.stringify(gallery.body)).toBe(200);

    const upload = await app.api('POST', '/api/uploads', { token: key, body: uploadRequest });
    expect(upload.status).toBe(403);
    expect(upload.body.error).toEqual({
      code: 'insufficient_scope',
      message: expect.stringContaining('uploads'),
      details: { requiredScope: 'uploads' },
    });
    expect(upload.headers.get('www-authenticate')).toBe('Bearer error="insufficient_scope", scope="uploads"');
    expect(await app.db.userImage.count({ where: { userId: 'keys-alice' } })).toBe(0);
  });

  it('a key can never manage keys, whatever its scopes', async () => {
    const { key, id } = await createKey(alice, { name: 'everything' });
    for (const [method, route, body] of [
      ['GET', '/api/keys', undefined],
      ['POST', '/api/keys', { name: 'child' }],
      ['DELETE', `/api/keys/${id}`, undefined],
    ] as const) {
      const response = await app.api(method, route, { token: key, body });
      expect(response.status).toBe(403);
      expect(response.body.error.code).toBe('insufficient_scope');
    }
    expect(await app.db.apiKey.count({ where: { userId: 'keys-alice', name: 'child' } })).toBe(0);
    expect(await app.db.apiKey.findUniqueOrThrow({ where: { id } })).toMatchObject({ revokedAt: null });
  });

  it('a revoked key is 401 on the very next request', async () => {
    const { key, id } = await createKey(alice, { name: 'soon revoked' });
    expect((await app.api('GET', '/api/gallery', { token: key })).status).toBe(200);
    expect((await app.api('DELETE', `/api/keys/${id}`, { token: alice })).status).toBe(204);
    const refused = await app.api('GET', '/api/gallery', { token: key });
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('unauthorized');
    const listed = await app.api('GET', '/api/keys', { token: alice });
    expect(listed.body.keys.map((listedKey: { id: string }) => listedKey.id)).not.toContain(id);
    expect((await app.api('DELETE', `/api/keys/${id}`, { token: alice })).status).toBe(404);
  });

  it('an expired key is 401', async () => {
    const { key, id } = await createKey(alice, { name: 'short-lived', expiresInDays: 1 });
    expect((await app.api('GET', '/api/me/usage', { token: key })).status).toBe(200);
    await app.db.apiKey.update({ where: { id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const refused = await app.api('GET', '/api/me/usage', { token: key });
    expect(refused.status).toBe(401);
    expect(refused.body.error.message).toMatch(/expired/);
  });

  it('an unknown dtr_ key is 401', async () => {
    const response = await app.api('GET', '/api/gallery', { token: `dtr_${'A'.repeat(43)}` });
    expect(response.status).toBe(401);
  });

  it('another user’s key never sees, changes or deletes my images', async () => {
    const mine = await seedStoredImage(app.db, app.blobs, 'keys-alice', { title: 'Alice’s only' });
    const { key: bensKey } = await createKey(await app.tokenFor('keys-ben'), { name: 'ben' });
    const gallery = await app.api('GET', '/api/gallery', { token: bensKey });
    expect(gallery.status).toBe(200);
    expect(JSON.stringify(gallery.body)).not.toContain(mine.image.id);
    for (const [method, suffix, body] of [
      ['GET', '', undefined],
      ['PATCH', '', { title: 'Ben’s now' }],
      ['DELETE', '', undefined],
      ['POST', '/share', {}],
    ] as const) {
      expect((await app.api(method, `/api/images/${mine.image.id}${suffix}`, { token: bensKey, body })).status).toBe(404);
    }
    expect(await app.db.userImage.findUniqueOrThrow({ where: { id: mine.image.id } })).toMatchObject({
      title: 'Alice’s only',
      deletedAt: null,
    });
  });

  it('records lastUsedAt without writing on every request', async () => {
    const { key, id } = await createKey(alice, { name: 'busy' });
    expect((await app.api('GET', '/api/gallery', { token: key })).status).toBe(200);
    const first = (await app.db.apiKey.findUniqueOrThrow({ where: { id } })).lastUsedAt;
    expect(first).not.toBeNull();
    for (let i = 0; i < 3; i++) expect((await app.api('GET', '/api/gallery', { token: key })).status).toBe(200);
    expect((await app.db.apiKey.findUniqueOrThrow({ where: { id } })).lastUsedAt).toEqual(first);
    // Once it is more than a minute old, the next request records it again.
    await app.db.apiKey.update({ where: { id }, data: { lastUsedAt: new Date(first!.getTime() - 120_000) } });
    expect((await app.api('GET', '/api/gallery', { token: key })).status).toBe(200);
    expect((await app.db.apiKey.findUniqueOrThrow({ where: { id } })).lastUsedAt!.getTime()).toBeGreaterThan(first!.getTime() - 120_000);
  });

  it('limits uploads per key as well as per user', async () => {
    const token = await app.tokenFor('keys-carol');
    const { key: first } = await createKey(token, { name: 'first' });
    const { key: second } = await createKey(token, { name: 'second' });
    const statuses = async (key: string, count: number) => {
      const result: number[] = [];
      for (let i = 0; i < count; i++) result.push((await app.api('POST', '/api/uploads', { token: key, body: uploadRequest })).status);
      return result;
    };
    // Five requests of one key span at most two one-minute windows, so one holds three or more (limit 2).
    expect(await statuses(first, 5)).toContain(429);
    // The other key and the user's session have allowances of their own.
    expect((await statuses(second, 1))[0]).toBe(201);
    expect((await app.api('POST', '/api/uploads', { token, body: uploadRequest })).status).toBe(201);
  });

  it('refuses bad key requests with the failing fields', async () => {
    for (const body of [{}, { name: '' }, { name: 'x', scopes: [] }, { name: 'x', scopes: ['admin'] }, { name: 'x', expiresInDays: 0 }]) {
      const response = await app.api('POST', '/api/keys', { token: alice, body });
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('invalid_request');
    }
  });
});
