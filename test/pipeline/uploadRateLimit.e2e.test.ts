import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/testApp.js';

/** One app per file: the functions' configuration is read once per process, as on a real instance. */
describe('upload rate limit', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ env: { UPLOAD_RATE_LIMIT_PER_MINUTE: '3' } });
  });
  afterAll(() => app?.stop());

  it('answers 429 with Retry-After past the per-minute limit', async () => {
    const token = await app.tokenFor('limits-rate');
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 7; i++) {
      const response = await app.api('POST', '/api/uploads', { token, body: { fileName: 'a.jpg', contentType: 'image/jpeg', size: 10 } });
      statuses.push(response.status);
      if (response.status === 429) {
        retryAfter = response.headers.get('retry-after');
        expect(response.body.error.code).toBe('rate_limited');
      }
    }
    // Seven requests span at most two one-minute windows, so one of them holds four or more.
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(1);
    expect(statuses.filter((status) => status === 201).length).toBeLessThanOrEqual(6);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(retryAfter)).toBeLessThanOrEqual(60);
    // Another user has an allowance of their own.
    const other = await app.api('POST', '/api/uploads', {
      token: await app.tokenFor('limits-rate-other'),
      body: { fileName: 'a.jpg', contentType: 'image/jpeg', size: 10 },
    });
    expect(other.status).toBe(201);
  });
});
