import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/testApp.js';

/** Issue 13, part 3: text with control characters, dot-only user ids, and the headers of every API response. */
describe('what the API refuses and the headers it always sends', () => {
  let app: TestApp;
  let token: string;
  let imageId: string;

  beforeAll(async () => {
    app = await startTestApp();
    token = await app.tokenFor('hygiene-user');
    const requested = await app.api('POST', '/api/uploads', { token, body: { fileName: 'a.jpg', contentType: 'image/jpeg', size: 10 } });
    expect(requested.status).toBe(201);
    imageId = requested.body.image.id;
  });
  afterAll(() => app?.stop());

  const upload = (fields: Record<string, unknown>) => ({ fileName: 'a.jpg', contentType: 'image/jpeg', size: 10, ...fields });

  it.each([
    ['a NUL in an upload title', () => app.api('POST', '/api/uploads', { token, body: upload({ title: 'cat\u0000' }) }), 'title'],
    ['a NUL in an upload tag', () => app.api('POST', '/api/uploads', { token, body: upload({ tags: ['ok', 'b\u0000d'] }) }), 'tags.1'],
    [
      'an escape in a file name',
      () => app.api('POST', '/api/uploads', { token, body: upload({ fileName: 'a\u001b[31m.jpg' }) }),
      'fileName',
    ],
    [
      'a NUL in a content type',
      () => app.api('POST', '/api/uploads', { token, body: upload({ contentType: 'image/jpeg\u0000' }) }),
      'contentType',
    ],
    ['a NUL in a new title', () => app.api('PATCH', `/api/images/${imageId}`, { token, body: { title: 'x\u0000y' } }), 'title'],
    ['a C1 control in a new tag', () => app.api('PATCH', `/api/images/${imageId}`, { token, body: { tags: ['a\u0085'] } }), 'tags.0'],
    ['a NUL in a search', () => app.api('GET', `/api/gallery?q=${encodeURIComponent('a\u0000')}`, { token }), 'q'],
    ['a NUL in a tag filter', () => app.api('GET', `/api/gallery?tags=${encodeURIComponent('a,\u0000')}`, { token }), 'tags'],
  ])('answers %s with 400 invalid_request', async (_name, call, field) => {
    const response = await call();
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('invalid_request');
    expect(response.body.error.details.map((detail: { field: string }) => detail.field)).toContain(field);
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('keeps titles and tags with accents, emoji and spaces', async () => {
    const response = await app.api('PATCH', `/api/images/${imageId}`, {
      token,
      body: { title: 'Été à Zürich 🌞', tags: ['vacances d’été'] },
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ title: 'Été à Zürich 🌞', tags: ['vacances d’été'] });
  });

  it.each(['.', '..', '...'])('refuses the dot-only user id %j at sign-in with 401', async (userId) => {
    const response = await app.api('GET', '/api/gallery', { token: await app.tokenFor(userId) });
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('unauthorized');
    expect(await app.db.user.findUnique({ where: { id: userId } })).toBeNull();
  });

  it('sends nosniff on every API response and no-store on every error', async () => {
    const responses = [
      await app.api('GET', '/api/gallery', { token }),
      await app.api('GET', '/api/health'),
      await app.api('GET', '/api/openapi.json', { token }),
      await app.api('GET', '/api/gallery'),
      await app.api('GET', '/api/images/c0nosuchimage000000000000', { token }),
      await app.api('GET', '/api/shared/no-such-share-token-000'),
    ];
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 401, 404, 404]);
    for (const response of responses) {
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      if (response.status >= 400) expect(response.headers.get('cache-control')).toBe('no-store');
    }
  });
});
