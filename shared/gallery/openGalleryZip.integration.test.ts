import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import v8 from 'node:v8';
import vm from 'node:vm';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openIntegrationParts } from '../../test/support/integrationParts.js';
import { seedStoredImage, type SeededImage } from '../../test/support/seedImages.js';
import { seedUser } from '../../test/support/seedUser.js';
import { readAll, unzip } from '../../test/support/unzip.js';
import type { Database } from '../db/index.js';
import type { BlobStore } from '../storage/blobStore.js';
import { openGalleryZip } from './openGalleryZip.js';

v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc') as () => void;

const SAFE_NAME = /^[A-Za-z0-9._-]+$/;

describe('gallery ZIP against PostgreSQL and Azurite', () => {
  let close: (() => Promise<void>) | undefined;
  let db: Database;
  let blobs: BlobStore;
  const fifty: SeededImage[] = [];
  const errors: unknown[] = [];
  const onError = (error: unknown) => errors.push(error);

  beforeAll(async () => {
    ({ db, blobs, close } = await openIntegrationParts());
    await seedUser(db, 'zip-ann');
    await seedUser(db, 'zip-ben');
    const titles = ['../../etc/passwd', 'Été à la plage', 'Same title', 'Same title', 'C:\\Windows\\x', '', '日本語'];
    for (let n = 0; n < 50; n += 1) {
      fifty.push(await seedStoredImage(db, blobs, 'zip-ann', { title: titles[n % titles.length] || undefined }));
    }
  });
  afterAll(() => close?.());

  it('unzips 50 images to byte-identical files with safe, unique, flat names', async () => {
    const ids = fifty.map((seeded) => seeded.image.id);
    const zip = await openGalleryZip({ db, blobs, userId: 'zip-ann', imageIds: ids, variant: 'processed', onError });
    expect(zip.entryCount).toBe(50);
    const entries = await unzip(await readAll(zip.stream));
    expect(entries.size).toBe(50);
    for (const seeded of fifty) {
      const name = [...entries.keys()].find((entryName) => entryName.includes(seeded.image.id))!;
      expect(name).toMatch(SAFE_NAME);
      expect(name.endsWith('.png')).toBe(true);
      expect(entries.get(name)).toEqual(seeded.processed);
    }
    expect([...entries.keys()].find((name) => name.includes(fifty[0]!.image.id))).toBe(`etc-passwd_${fifty[0]!.image.id}.png`);
    expect(errors).toEqual([]);
  });

  it('puts both files of each image side by side when both are asked for', async () => {
    const chosen = fifty.slice(0, 3);
    const zip = await openGalleryZip({ db, blobs, userId: 'zip-ann', imageIds: chosen.map((s) => s.image.id), variant: 'both', onError });
    const entries = await unzip(await readAll(zip.stream));
    expect(entries.size).toBe(6);
    for (const seeded of chosen) {
      const stem = [...entries.keys()].find((name) => name.includes(seeded.image.id))!.split(`_${seeded.image.id}`)[0];
      expect(entries.get(`${stem}_${seeded.image.id}_original.png`)).toEqual(seeded.original);
      expect(entries.get(`${stem}_${seeded.image.id}_processed.png`)).toEqual(seeded.processed);
    }
  });

  it('refuses, before sending a byte, ids that are not the caller’s or files that do not exist yet', async () => {
    const bens = await seedStoredImage(db, blobs, 'zip-ben');
    const notMine = await openGalleryZip({
      db,
      blobs,
      userId: 'zip-ann',
      imageIds: [fifty[0]!.image.id, bens.image.id],
      variant: 'original',
      onError,
    }).catch((error: unknown) => error);
    expect(notMine).toMatchObject({ code: 'not_found', details: { notFound: [bens.image.id] } });
    const queued = await seedStoredImage(db, blobs, 'zip-ann', { status: 'queued' });
    const notReady = await openGalleryZip({
      db,
      blobs,
      userId: 'zip-ann',
      imageIds: [queued.image.id],
      variant: 'processed',
      onError,
    }).catch((error: unknown) => error);
    expect(notReady).toMatchObject({ code: 'conflict', details: { notReady: [queued.image.id] } });
    const original = await openGalleryZip({ db, blobs, userId: 'zip-ann', imageIds: [queued.image.id], variant: 'original', onError });
    expect([...(await unzip(await readAll(original.stream))).values()]).toEqual([queued.original]);
  });

  it('streams 50 large images with flat memory', async () => {
    const large: SeededImage[] = [];
    for (let n = 0; n < 50; n += 1) {
      // Noise does not compress: each original is a real PNG of about 1 MB.
      const pixels = randomBytes(580 * 580 * 3);
      const original = await sharp(pixels, { raw: { width: 580, height: 580, channels: 3 } })
        .png({ compressionLevel: 0 })
        .toBuffer();
      large.push(await seedStoredImage(db, blobs, 'zip-ben', { status: 'queued', original }));
    }
    const total = large.reduce((sum, seeded) => sum + seeded.original.length, 0);
    expect(total).toBeGreaterThan(50 * 1_000_000);

    const liveBytes = () => {
      collectGarbage();
      const usage = process.memoryUsage();
      return usage.heapUsed + usage.arrayBuffers;
    };
    const baseline = liveBytes();
    let peak = 0;
    let samples = 0;
    let received = 0;
    let sinceSample = 0;
    const zip = await openGalleryZip({
      db,
      blobs,
      userId: 'zip-ben',
      imageIds: large.map((s) => s.image.id),
      variant: 'original',
      onError,
    });
    await pipeline(
      zip.stream,
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          received += chunk.length;
          sinceSample += chunk.length;
          if (sinceSample >= 4 * 1024 * 1024) {
            sinceSample = 0;
            samples += 1;
            peak = Math.max(peak, liveBytes() - baseline);
          }
          done();
        },
      }),
    );
    expect(received).toBeGreaterThan(total);
    expect(samples).toBeGreaterThanOrEqual(10);
    expect(peak).toBeLessThan(16 * 1024 * 1024);
    expect(errors).toEqual([]);
  });
});
