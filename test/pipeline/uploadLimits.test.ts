import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/testApp.js';

/** Quotas and the rate limit hold under concurrent requests, across instances (they live in PostgreSQL). */
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

  it('answers 429 with Retry-After past the per-minute limit', async () => {
    const limited = await startTestApp({ env: { UPLOAD_RATE_LIMIT_PER_MINUTE: '3' } });
    try {
      const token = await limited.tokenFor('limits-rate');
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      for (let i = 0; i < 7; i++) {
        const response = await limited.api('POST', '/api/uploads', { token, body: { fileName: 'a.jpg', contentType: 'image/jpeg', size: 10 } });
        statuses.push(response.status);
        if (response.status === 429) {
          retryAfter = response.headers.get('retry-after');
          expect(response.body.error.code).toBe('rate_limited');
        }
      }
      // Seven requests span at most two one-minute windows, so one of them holds four or more.
      expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(1);
      expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
      expect(Number(retryAfter)).toBeLessThanOrEqual(60);
    } finally {
      await limited.stop();
    }
  });
});
