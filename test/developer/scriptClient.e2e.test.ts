import { BlockBlobClient } from '@azure/storage-blob';
import createClient from 'openapi-fetch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { paths } from '../../shared/openapi/openApiTypes.js';
import { discOnPlainBackground } from '../support/sampleImages.js';
import { startTestApp, type TestApp } from '../support/testApp.js';

/**
 * A script's view of the API: the client is `openapi-fetch` typed by the types generated from
 * docs/openapi.json (shared/openapi/openApiTypes.ts), authenticated with an API key. It type-checks
 * only while the document describes these calls, and passes only while the API answers as it says.
 */
describe('the API from a script, with a generated client and an API key', () => {
  let app: TestApp;
  const client = (token: string) => createClient<paths>({ baseUrl: `${app.baseUrl}/api`, headers: { authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app?.stop());

  it('uploads, waits for ready, renames and lists an image', async () => {
    const session = client(await app.tokenFor('script-alice'));
    const { data: created, response: createdResponse } = await session.POST('/keys', { body: { name: 'script' } });
    expect(createdResponse.status).toBe(201);
    const api = client(created!.key);

    const bytes = await discOnPlainBackground({ format: 'png', width: 200, height: 150 });
    const { data: ticket, response } = await api.POST('/uploads', {
      body: { fileName: 'disc.png', contentType: 'image/png', size: bytes.length, tags: ['script'] },
    });
    expect(response.status).toBe(201);
    // The document says a 200 answers a known sha256 with `duplicateOf` and no link: a script tells them apart.
    if (!ticket || !('upload' in ticket)) throw new Error('expected an upload link');
    await new BlockBlobClient(ticket.upload.url).uploadData(bytes, {
      blobHTTPHeaders: { blobContentType: ticket.upload.headers['content-type'] },
    });

    const imageId = ticket.image.id;
    let status = ticket.image.status;
    const deadline = Date.now() + 60_000;
    while (status !== 'ready' && status !== 'failed' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const { data } = await api.GET('/images/{id}', { params: { path: { id: imageId } } });
      status = data!.status;
    }
    expect(status).toBe('ready');

    const { data: renamed } = await api.PATCH('/images/{id}', { params: { path: { id: imageId } }, body: { title: 'From a script' } });
    expect(renamed).toMatchObject({ id: imageId, title: 'From a script', status: 'ready' });

    const { data: page } = await api.GET('/gallery', { params: { query: { tags: 'script' } } });
    expect(page!.items.map((item) => item.id)).toEqual([imageId]);

    const { data: usage } = await api.GET('/me/usage');
    expect(usage!.imageCount).toBe(1);
  });

  it('gets the documented error body when the key lacks a scope', async () => {
    const session = client(await app.tokenFor('script-ben'));
    const { data: created } = await session.POST('/keys', { body: { name: 'read only', scopes: ['images:read'] } });
    const api = client(created!.key);
    const { error, response } = await api.POST('/uploads', { body: { fileName: 'a.jpg', contentType: 'image/jpeg', size: 10 } });
    expect(response.status).toBe(403);
    expect(error!.error.code).toBe('insufficient_scope');
  });
});
