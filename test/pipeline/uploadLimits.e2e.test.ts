import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/testApp.js';

/** Quotas hold under concurrent requests, across instances (the reservation locks the user's rows in PostgreSQL). */
describe('upload limits', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({
      env: { DEFAULT_IMAGE_LIMIT: '7', DEFAULT_STORAGE_LIMIT_BYTES: String(10 * 1024 * 1024), UPLOAD_RATE_LIMIT_PER_MINUTE: '1000' },
    });
  });
  afterAll(() => app?.stop());

  const request = (token: string, size: number) =>
    app.api('POST', '/api/uploads', { token, body: { fileName: 'a.jpg', contentType: 'image/jpeg', size } });

  it('lets exactly the allowed number of 20 concurrent requests through at the image limit', async () => {
    const token = await app.tokenFor('limits-images');
    const responses = await Promise.all(Array.from({ length: 20 }, () => request(token, 1000)));
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(7);
    expect(statuses.filter((status) => status === 403)).toHaveLength(13);
    const refused = responses.find((response) => response.status === 403)!;
    expect(refused.body.error).toMatchObject({ code: 'quota_exceeded', details: { limit: 'images', imageLimit: 7 } });
    const quota = await app.db.storageQuota.findUniqueOrThrow({ where: { userId: 'limits-images' } });
    expect(quota.imageCount).toBe(7);
    expect(await app.db.userImage.count({ where: { userId: 'limits-images' } })).toBe(7);
  });

  it('lets exactly the bytes that fit through at the storage limit', async () => {
    const token = await app.tokenFor('limits-bytes');
    const size = 3 * 1024 * 1024; // three fit in 10 MiB, a fourth does not
    const responses = await Promise.all(Array.from({ length: 20 }, () => request(token, size)));
    expect(responses.filter((response) => response.status === 201)).toHaveLength(3);
    const user = await app.db.user.findUniqueOrThrow({ where: { id: 'limits-bytes' } });
    expect(Number(user.storageUsed)).toBe(3 * size);
  });
});
