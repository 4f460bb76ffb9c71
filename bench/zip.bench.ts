import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { newImageId } from '../shared/images/newImageId.js';
import { MAX_IDS_PER_REQUEST } from '../shared/gallery/gallerySchemas.js';
import { originalBlob, processedBlob } from '../shared/storage/blobPaths.js';
import { targetRow, type Benchmark } from './support/benchmark.js';
import { onCleanup } from './support/cleanup.js';
import { HttpClient } from './support/httpClient.js';
import { markMemory, peakSince } from './support/memory.js';
import { Photo } from './support/photos.js';
import { startProductStack } from './support/productStack.js';
import { intSetting } from './support/settings.js';
import { median, round } from './support/stats.js';

/**
 * ZIP downloads: `POST /api/gallery/download` of the cut-outs of 200 ready images through real HTTP
 * on the devhost, read by the client as fast as it can. The API takes at most 100 ids per request, so
 * 200 images are two requests, one after the other. Throughput is archive bytes over the wall time of
 * both; memory is the devhost process's peak RSS above its resident size before the download (read
 * from /proc). Flat memory means a 100-image ZIP needs no more than a 10-image one: both are measured
 * after a warm-up download, a few times each in turn (a garbage collection that happens to land in one
 * run moves a single figure by tens of MiB), and the growth between their medians, as a share of the
 * extra bytes streamed, is the figure held to the target (a ZIP assembled in memory would show 100 %).
 */

const ZIP_PATH = '/api/gallery/download';

/** The entry count in a ZIP's end-of-central-directory record (the last 22 bytes without a comment). */
function zipEntryCount(tail: Buffer): number {
  const record = tail.subarray(tail.length - 22);
  if (record.readUInt32LE(0) !== 0x06054b50) throw new Error('The download does not end with a ZIP directory record.');
  return record.readUInt16LE(10);
}

const zip: Benchmark = {
  name: 'zip',
  title: 'Streamed ZIP of 200 images: MB/s and the devhost’s peak memory',
  needsBuild: true,
  async run(progress) {
    const settings = {
      images: intSetting('BENCH_ZIP_IMAGES', 200),
      cutoutWidth: intSetting('BENCH_ZIP_CUTOUT_WIDTH', 1200),
      rounds: intSetting('BENCH_ZIP_ROUNDS', 3),
    };
    const azuriteFolder = await mkdtemp(path.join(os.tmpdir(), 'detour-bench-zip-'));
    const removeFolder = onCleanup(() => rm(azuriteFolder, { recursive: true, force: true }));
    // Azurite keeps the blobs on disk here: hundreds of megabytes have no place in its memory.
    const stack = await startProductStack({ label: 'zip', azuriteLocation: azuriteFolder });
    const client = new HttpClient(stack.baseUrl, 1);
    try {
      const width = settings.cutoutWidth;
      const cutout = await (await Photo.make(width, Math.round((width * 3) / 4))).cutoutPng();
      progress(`seeding ${settings.images} ready images with a ${(cutout.length / 1e6).toFixed(1)} MB cut-out each`);
      const userId = 'bench-zip';
      await stack.db.user.create({ data: { id: userId, quota: { create: { storageLimit: 1n << 50n, imageLimit: 1_000_000 } } } });
      const ids: string[] = [];
      for (let i = 0; i < settings.images; i++) {
        const id = newImageId(Date.now() - i * 60_000);
        await stack.blobs.upload(processedBlob(userId, id), cutout, 'image/png');
        ids.push(id);
      }
      await stack.db.userImage.createMany({
        data: ids.map((id, index) => ({
          id,
          userId,
          title: `Cut-out ${index + 1}`,
          status: 'ready' as const,
          originalName: `photo-${index + 1}.jpg`,
          fileType: 'image/jpeg',
          fileSize: BigInt(cutout.length),
          originalPath: originalBlob(userId, id, 'image/jpeg').name,
          processedPath: processedBlob(userId, id).name,
          processedSize: BigInt(cutout.length),
          storageBytes: BigInt(cutout.length),
          createdAt: new Date(Date.now() - index * 60_000),
        })),
      });
      const token = await stack.tokenFor(userId);

      const download = async (batch: readonly string[]) => {
        let bytes = 0;
        let tail = Buffer.alloc(0);
        const response = await client.request('POST', ZIP_PATH, {
          token,
          json: { ids: batch, variant: 'processed' },
          onChunk: (chunk) => {
            bytes += chunk.length;
            tail = Buffer.concat([tail, chunk]).subarray(-64);
          },
        });
        if (response.status !== 200)
          throw new Error(`The ZIP download answered ${response.status}: ${response.body.toString('utf8').slice(0, 300)}`);
        const entries = zipEntryCount(tail);
        if (entries !== batch.length) throw new Error(`The ZIP has ${entries} entries, not ${batch.length}.`);
        return { bytes, ms: response.ms };
      };
      const measured = async (batches: readonly (readonly string[])[]) => {
        const mark = markMemory(stack.devhostPid);
        let bytes = 0;
        let ms = 0;
        for (const batch of batches) {
          const part = await download(batch);
          bytes += part.bytes;
          ms += part.ms;
        }
        return { bytes, ms, megabytesPerSecond: bytes / 1e6 / (ms / 1000), ...peakSince(mark), baselineMiB: mark.baselineMiB };
      };

      const small = ids.slice(0, 10);
      const large = ids.slice(0, Math.min(MAX_IDS_PER_REQUEST, ids.length));
      progress('warm-up download');
      await download(small);
      progress(`10-image and ${large.length}-image ZIPs, ${settings.rounds} times each in turn`);
      const ten = [];
      const hundred = [];
      for (let round = 0; round < settings.rounds; round++) {
        ten.push(await measured([small]));
        hundred.push(await measured([large]));
      }
      const tenMiB = median(ten.map((entry) => entry.addedMiB));
      const hundredMiB = median(hundred.map((entry) => entry.addedMiB));
      const runs = (entries: Array<{ addedMiB: number }>) => `runs: ${entries.map((entry) => round(entry.addedMiB)).join(', ')} MiB`;
      progress(`${settings.images} images in requests of ${MAX_IDS_PER_REQUEST}`);
      const batches: string[][] = [];
      for (let start = 0; start < ids.length; start += MAX_IDS_PER_REQUEST) batches.push(ids.slice(start, start + MAX_IDS_PER_REQUEST));
      const all = await measured(batches);

      // A ZIP built in memory grows by every byte it holds (100 %); a streamed one by none of them.
      const extraMiB = ((large.length - small.length) * cutout.length) / 1024 ** 2;
      const growthShare = ((hundredMiB - tenMiB) / extraMiB) * 100;
      return {
        parameters: { ...settings, cutoutBytes: cutout.length, requests: batches.length, app: stack.settings },
        rows: [
          {
            metric: `${settings.images} images (${(all.bytes / 1e6).toFixed(0)} MB, ${batches.length} request${batches.length > 1 ? 's' : ''}): throughput`,
            value: all.megabytesPerSecond,
            unit: 'MB/s',
          },
          { metric: `${settings.images} images: devhost peak RSS above its idle size`, value: all.addedMiB, unit: 'MiB' },
          { metric: '10-image ZIP: devhost peak RSS above its idle size (median)', value: tenMiB, unit: 'MiB', detail: runs(ten) },
          {
            metric: `${large.length}-image ZIP: devhost peak RSS above its idle size (median)`,
            value: hundredMiB,
            unit: 'MiB',
            detail: runs(hundred),
          },
          targetRow(
            {
              metric: `growth from 10 to ${large.length} images, as a share of the ${extraMiB.toFixed(0)} MiB more streamed`,
              value: growthShare,
              unit: '%',
            },
            { atMost: 5, text: 'flat (≤ 5 %)' },
          ),
        ],
        details: { ten, hundred, all },
      };
    } finally {
      client.close();
      await stack.stop();
      await removeFolder();
    }
  },
};

export default zip;
