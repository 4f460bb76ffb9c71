import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { QueueServiceClient } from '@azure/storage-queue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { azuriteConnectionString } from '../../devhost/azurite.js';
import { signLocalToken } from '../../shared/auth/signLocalToken.js';
import { holdsImageSlot } from '../../shared/images/imageLifecycle.js';
import { outputLocations } from '../../shared/images/imageOutputs.js';
import { processingMessage } from '../../shared/pipeline/pipelineContract.js';
import { reconcileStorage } from '../../shared/reconciliation/reconcileStorage.js';
import { CONTAINERS, intakeBlob, PROCESSING_QUEUE } from '../../shared/storage/blobPaths.js';
import { BlobStore } from '../../shared/storage/blobStore.js';
import { removeStalePendingUploads } from '../../shared/uploads/removeStalePendingUploads.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { PRODUCT_START_TIMEOUT_MS, startProduct, type RunningProduct } from '../support/product.js';
import { discOnPlainBackground } from '../support/sampleImages.js';
import { apiClient, TEST_JWT_SECRET } from '../support/testApp.js';
import { storedBytesOf, uploadThroughApi } from '../support/uploadThroughApi.js';

/**
 * Issue 13, part 2: the whole local stack (Azurite, the remover, the host) killed with SIGKILL while
 * images are in the pipeline, then started again on the same data; the reconciliation then runs as its
 * timer would, past its grace period. Every image must end `ready` with all its blobs or `failed` with
 * a code, and each user's `storageUsed` must equal what storage really holds. One loss is Azurite's own:
 * it writes its blob index to disk every 5 seconds, so a kill can lose an upload it had acknowledged
 * (Azure does not). Such an upload stays `pending_upload` until the clean-up timer, past its grace
 * period, removes it and gives its reservation back — which the test runs too.
 */

const USER = 'crash-user';
const UPLOADS = 8;
const SETTLE_TIMEOUT_MS = 180_000;

describe('a SIGKILL of the local stack mid-pipeline', () => {
  let database: TestDatabase;
  let dataFolder: string;
  let product: RunningProduct | undefined;

  const start = () =>
    startProduct({ databaseUrl: database.url, dataFolder, env: { AUTH_JWT_SECRET: TEST_JWT_SECRET, SHARP_CONCURRENCY: '1' } });

  beforeAll(async () => {
    database = await createTestDatabase();
    dataFolder = await mkdtemp(path.join(os.tmpdir(), 'detour-crash-'));
  });
  afterAll(async () => {
    await product?.stop();
    await database?.drop();
    await rm(dataFolder, { recursive: true, force: true });
  }, 60_000);

  const statuses = async () => database.db.userImage.findMany({ where: { userId: USER }, orderBy: { id: 'asc' } });

  async function waitUntil(condition: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (await condition()) return true;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    return false;
  }

  const settled = async () => (await statuses()).every((image) => image.status === 'ready' || image.status === 'failed');
  const expectSettled = async () => {
    const done = await waitUntil(settled, SETTLE_TIMEOUT_MS);
    expect(done, JSON.stringify((await statuses()).map((image) => `${image.id} ${image.status}`))).toBe(true);
  };

  it(
    'ends with every image ready with its blobs or failed with a code, and storageUsed equal to the blobs',
    async () => {
      product = await start();
      const token = await signLocalToken({ userId: USER, secret: TEST_JWT_SECRET });
      const photos = await Promise.all(
        Array.from({ length: UPLOADS }, (_, n) => discOnPlainBackground({ width: 1200 + n * 16, height: 900 })),
      );
      await Promise.all(
        photos.map((photo, n) => uploadThroughApi({ api: apiClient(product!.baseUrl) }, token, photo, { fileName: `p${n}.jpg` })),
      );

      // Mid-pipeline: some image has started processing and not every one is done.
      const midway = await waitUntil(async () => {
        const images = await statuses();
        return images.some((image) => image.status === 'processing') && images.some((image) => image.status !== 'ready');
      }, SETTLE_TIMEOUT_MS);
      expect(midway).toBe(true);
      await product.kill();

      product = await start();
      const urls = {
        blobUrl: product.table.get('Azurite blob')!,
        queueUrl: product.table.get('Azurite queue')!,
        tableUrl: product.table.get('Azurite table')!,
      };
      const connectionString = azuriteConnectionString(urls);
      const blobs = BlobStore.fromSettings({ connectionString });
      const queue = QueueServiceClient.fromConnectionString(connectionString).getQueueClient(PROCESSING_QUEUE);
      const events: Record<string, unknown>[] = [];

      // The reconciliation timer's run, as it would run once its grace period has passed; the images it
      // hands back go to the processing queue as the timer's output binding sends them.
      const reconcile = async () => {
        // An upload still pending by now is one whose bytes the kill lost, not one the blob trigger missed.
        for (const image of (await statuses()).filter((pending) => pending.status === 'pending_upload')) {
          expect(await blobs.sizeOf(intakeBlob(USER, image.id)), `the upload of ${image.id}`).toBeUndefined();
        }
        await removeStalePendingUploads({ db: database.db, blobs, graceHours: 1, now: new Date(Date.now() + 3 * 3_600_000) });
        const { toProcess } = await reconcileStorage({
          db: database.db,
          blobs,
          log: (event, fields) => events.push({ event, ...fields }),
          graceMinutes: 1,
          batchSize: 500,
          maxPixels: 50_000_000,
          now: new Date(Date.now() + 10 * 60_000),
        });
        for (const imageId of toProcess) {
          await queue.sendMessage(Buffer.from(JSON.stringify(processingMessage(imageId))).toString('base64'));
        }
      };

      // The restarted pipeline finishes what it can by itself; a run the kill lost (an accepted image
      // whose queue message or orchestration never made it to disk) stays queued or processing until
      // the reconciliation restarts it.
      await waitUntil(settled, 60_000);
      await reconcile();
      await expectSettled();

      // Two more images made by the restarted product: the kill may have left every earlier one failed
      // (with its code), and the losses below need images that are ready.
      const after = await Promise.all([0, 1].map((n) => discOnPlainBackground({ width: 1000 + n * 16, height: 700 })));
      const restartedApi = apiClient(product.baseUrl);
      const added = await Promise.all(
        after.map((photo, n) => uploadThroughApi({ api: restartedApi }, token, photo, { fileName: `after${n}.jpg` })),
      );
      await expectSettled();

      // Then storage loses what a crash (or an operator) can lose: one image's thumbnail, another's
      // original and cut-out.
      const current = await statuses();
      const [lostOutput, lostOriginal] = added.map(({ imageId }) => current.find((image) => image.id === imageId));
      const described = JSON.stringify(current.map((image) => [image.id, image.status, image.errorCode, image.errorMessage]));
      expect([lostOutput?.status, lostOriginal?.status], described).toEqual(['ready', 'ready']);
      await blobs.delete(outputLocations(USER, lostOutput!.id)[1]!);
      await blobs.delete({ container: CONTAINERS.originals, name: lostOriginal!.originalPath });
      await blobs.delete(outputLocations(USER, lostOriginal!.id)[0]!);

      // The reconciliation repairs it, and the product's pipeline makes the lost outputs again.
      await reconcile();
      await expectSettled();
      await reconcile();
      await expectSettled();

      const images = await statuses();
      // All but the uploads Azurite lost in the kill (removed by the clean-up timer, reservations included).
      expect(images.length).toBeGreaterThanOrEqual(2);
      expect(images.length).toBeLessThanOrEqual(UPLOADS + 2);
      expect(images.find((image) => image.id === lostOutput!.id)).toMatchObject({ status: 'ready' });
      expect(images.find((image) => image.id === lostOriginal!.id)).toMatchObject({ status: 'failed', errorCode: 'original_missing' });
      for (const image of images) {
        if (image.status === 'failed') {
          expect(image.errorCode, image.id).toEqual(expect.any(String));
          continue;
        }
        expect(image.status).toBe('ready');
        for (const location of [{ container: CONTAINERS.originals, name: image.originalPath }, ...outputLocations(USER, image.id)]) {
          expect(await blobs.sizeOf(location), `${location.container}/${location.name}`).toBeGreaterThan(0);
        }
      }
      const user = await database.db.user.findUniqueOrThrow({ where: { id: USER }, include: { quota: true } });
      expect(Number(user.storageUsed)).toBe(await storedBytesOf({ blobs }, USER));
      expect(user.quota?.imageCount).toBe(images.filter(holdsImageSlot).length);
      expect(events.map((event) => event.repair).filter(Boolean)).toEqual(expect.arrayContaining(['reprocess', 'original_missing']));
    },
    PRODUCT_START_TIMEOUT_MS * 2 + SETTLE_TIMEOUT_MS * 5,
  );
});
