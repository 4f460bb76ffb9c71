import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { azuriteConnectionString } from '../../devhost/azurite.js';
import { signLocalToken } from '../../shared/auth/signLocalToken.js';
import { BlobStore } from '../../shared/storage/blobStore.js';
import { lastLines, PRODUCT_START_TIMEOUT_MS, startProduct, type RunningProduct } from '../support/product.js';
import { discOnPlainBackground } from '../support/sampleImages.js';
import { apiClient, TEST_JWT_SECRET, type ApiCall, type ApiResponse } from '../support/testApp.js';
import { storedBytesOf, uploadThroughApi, waitForSettledImage } from '../support/uploadThroughApi.js';

/**
 * What a newcomer runs first: `npm start` without DATABASE_URL, so the product's pool of connections
 * shares the embedded PGlite (dev/pgliteServer.ts). Many uploads at once, the pipeline steps they set
 * off and a burst of API calls beside them must all be served as on a PostgreSQL server.
 */

const UPLOADS = 25;
const RATE_LIMIT = 30;
const SETTLE_TIMEOUT_MS = 240_000;

describe('npm start on the embedded database, under concurrency', () => {
  let product: RunningProduct;
  let api: ApiCall;
  let blobs: BlobStore;

  beforeAll(async () => {
    product = await startProduct({
      env: { AUTH_JWT_SECRET: TEST_JWT_SECRET, UPLOAD_RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT), SHARP_CONCURRENCY: '1' },
    });
    expect([...product.table.keys()].some((name) => name.startsWith('PostgreSQL (embedded'))).toBe(true);
    api = apiClient(product.baseUrl);
    const urls = {
      blobUrl: product.table.get('Azurite blob')!,
      queueUrl: product.table.get('Azurite queue')!,
      tableUrl: product.table.get('Azurite table')!,
    };
    blobs = BlobStore.fromSettings({ connectionString: azuriteConnectionString(urls) });
  }, PRODUCT_START_TIMEOUT_MS + 30_000);
  afterAll(() => product?.stop(), 60_000);

  it(
    `makes ${UPLOADS} simultaneous uploads ready beside 100 concurrent API calls, without a 5xx, and keeps the quota exact`,
    async () => {
      const alice = await signLocalToken({ userId: 'embedded-alice', secret: TEST_JWT_SECRET });
      const bob = await signLocalToken({ userId: 'embedded-bob', secret: TEST_JWT_SECRET });
      const photos = await Promise.all(
        Array.from({ length: UPLOADS }, (_, n) => discOnPlainBackground({ width: 320 + n * 8, height: 240 })),
      );

      // One user's whole batch at once, as the gallery page sends a dropped folder.
      const uploads = await Promise.all(
        photos.map((photo, n) => uploadThroughApi({ api }, alice, photo, { fileName: `p${n}.jpg`, title: `photo ${n}` })),
      );

      // While those run through the pipeline: reads, edits, and another user's uploads past the rate limit.
      const declaredSize = 1000;
      const calls: Array<Promise<ApiResponse & { kind: string }>> = [];
      const call = (kind: string, method: string, route: string, options: Parameters<ApiCall>[2]) =>
        calls.push(api(method, route, options).then((response) => ({ ...response, kind })));
      for (let n = 0; n < 40; n++) call('read', 'GET', `/api/gallery?limit=${5 + (n % 20)}`, { token: alice });
      for (const [n, { imageId }] of uploads.entries())
        call('patch', 'PATCH', `/api/images/${imageId}`, { token: alice, body: { title: `renamed ${n}`, tags: ['batch'] } });
      for (let n = 0; n < 100 - 40 - UPLOADS; n++) {
        call('upload', 'POST', '/api/uploads', {
          token: bob,
          body: { fileName: `b${n}.jpg`, contentType: 'image/jpeg', size: declaredSize },
        });
      }
      const responses = await Promise.all(calls);
      expect(responses).toHaveLength(100);

      const unexpected = responses.filter(({ kind, status }) => !(kind === 'upload' ? status === 201 || status === 429 : status === 200));
      expect(
        unexpected.map(({ kind, status, body }) => ({ kind, status, body })),
        lastLines(product.output),
      ).toEqual([]);
      const acceptedUploads = responses.filter(({ kind, status }) => kind === 'upload' && status === 201).length;
      // 35 requests within moments exceed a 30-per-minute allowance unless they straddle two windows.
      expect(acceptedUploads).toBeGreaterThan(0);
      for (const rejected of responses.filter(({ status }) => status === 429)) expect(rejected.body.error.code).toBe('rate_limited');

      const settled = await Promise.all(uploads.map(({ imageId }) => waitForSettledImage({ api }, alice, imageId, SETTLE_TIMEOUT_MS)));
      expect(
        settled.filter((image) => image.status !== 'ready').map((image) => ({ id: image.id, status: image.status, error: image.error })),
        lastLines(product.output),
      ).toEqual([]);
      expect(settled.map((image) => image.title).sort()).toEqual(uploads.map((_, n) => `renamed ${n}`).sort());

      // The counters equal what is really stored and reserved.
      const aliceUsage = await api('GET', '/api/me/usage', { token: alice });
      expect(aliceUsage.status).toBe(200);
      expect(aliceUsage.body).toMatchObject({ imageCount: UPLOADS, byStatus: { ready: UPLOADS } });
      expect(aliceUsage.body.storageUsed).toBe(await storedBytesOf({ blobs }, 'embedded-alice'));
      const bobUsage = await api('GET', '/api/me/usage', { token: bob });
      expect(bobUsage.body).toMatchObject({
        imageCount: acceptedUploads,
        storageUsed: acceptedUploads * declaredSize,
        byStatus: { pending_upload: acceptedUploads },
      });
      expect(product.output.join('')).not.toMatch(/prepared statement|portal .* does not exist|bind message supplies/);
    },
    SETTLE_TIMEOUT_MS + 60_000,
  );
});
