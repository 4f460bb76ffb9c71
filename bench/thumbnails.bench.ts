import { once } from 'node:events';
import { createReadStream, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { startAzurite } from '../devhost/azurite.js';
import { createDatabaseClient } from '../shared/db/index.js';
import { newImageId } from '../shared/images/newImageId.js';
import { intakeBlob, originalBlob } from '../shared/storage/blobPaths.js';
import { BlobStore } from '../shared/storage/blobStore.js';
import { createBenchDatabase } from './support/benchDatabase.js';
import { targetRow, type Benchmark, type ResultRow } from './support/benchmark.js';
import { onCleanup } from './support/cleanup.js';
import { Photo } from './support/photos.js';
import { intSetting } from './support/settings.js';
import { median, round } from './support/stats.js';
import type { ThumbnailerName } from './support/thumbnailers.js';
import type { MeasuredStep, PipelineStepInput, PipelineStepMessage } from './support/pipelineStepWorker.js';
import type { ThumbnailWorkerInput, ThumbnailWorkerMessage } from './support/thumbnailWorker.js';
import { runWorker, Worker } from './support/worker.js';

/**
 * Thumbnails: a 12 MP JPEG → ≤ 400 px WebP by the product's thumbnailer (shrink-on-load) against a
 * naive sharp pipeline (full decode, then resize) and jimp (pure JavaScript). Throughput is measured
 * with one worker process pinned to each core used (1 core, then all of them), every thumbnailer in
 * turn within a round and the order rotated between rounds; ratios are taken within a round and the
 * median over rounds is reported. Peak memory is measured once per thumbnailer in a fresh process.
 * Then a large (50 MP) input: the thumbnailers' peak RSS on its JPEG, and the peak RSS of each pipeline
 * step that handles image bytes (the blob check on the JPEG; cutOutBackground, which stores the
 * cut-out PNG and renders the thumbnail and preview from it), against Azurite and PostgreSQL.
 */

const THUMBNAILERS: readonly ThumbnailerName[] = ['product', 'naive', 'jimp'];
const LABEL: Record<ThumbnailerName, string> = {
  product: 'product (shrink-on-load)',
  naive: 'naive sharp (full decode)',
  jimp: 'jimp (pure JS)',
};
const MAX_INPUT_PIXELS = 50_000_000;

const workerScript = new URL('./support/thumbnailWorker.ts', import.meta.url);
/**
 * Compiled by `npm run build` and run by Node alone, as the Functions worker runs the product: under
 * tsx the same process idles ~70 MiB higher (the loader's thread and its transforms), which is not the
 * product's memory.
 */
const stepWorkerScript = new URL('../dist/bench/support/pipelineStepWorker.js', import.meta.url);

/** Width and height of about `megapixels` at this aspect ratio, never more. */
function dimensions(megapixels: number, aspect: number): { width: number; height: number } {
  const width = Math.round(Math.sqrt(megapixels * 1e6 * aspect));
  return { width, height: Math.floor((megapixels * 1e6) / width) };
}

/** Images per second of one thumbnailer with one worker pinned to each of the first `cores` CPUs. */
async function measureThroughput(
  thumbnailer: ThumbnailerName,
  file: string,
  cores: number,
  seconds: number,
  minImages: number,
): Promise<number> {
  const workers = Array.from(
    { length: cores },
    (_, cpu) =>
      new Worker<ThumbnailWorkerMessage>(
        workerScript,
        { mode: 'throughput', thumbnailer, file, maxPixels: MAX_INPUT_PIXELS, seconds, minImages } satisfies ThumbnailWorkerInput,
        { cpus: String(cpu) },
      ),
  );
  try {
    for (const worker of workers) if ((await worker.next()).type !== 'ready') throw new Error('Expected the worker to be ready.');
    for (const worker of workers) worker.send('go');
    const reports = await Promise.all(workers.map((worker) => worker.next()));
    await Promise.all(workers.map((worker) => worker.done()));
    return reports.reduce((sum, report) => {
      if (report.type !== 'throughput') throw new Error(`Unexpected worker message ${report.type}.`);
      return sum + report.images / (report.elapsedMs / 1000);
    }, 0);
  } finally {
    workers.forEach((worker) => worker.kill());
  }
}

async function measureMemory(thumbnailer: ThumbnailerName, file: string, warmupFile: string) {
  const message = await runWorker<ThumbnailWorkerMessage>(workerScript, {
    mode: 'memory',
    thumbnailer,
    file,
    warmupFile,
    maxPixels: MAX_INPUT_PIXELS,
  } satisfies ThumbnailWorkerInput);
  if (message.type !== 'memory') throw new Error(`Unexpected worker message ${message.type}.`);
  return message;
}

interface StepImages {
  /** The original (a JPEG) and the cut-out the remover would answer for it. */
  original: Buffer;
  cutoutFile: string;
}

/**
 * The pipeline's heavy steps on a large image, each in a process of its own against a real Azurite
 * and database (`pipelineStepWorker.ts`). The remover is a stand-in that answers every request with
 * the image's prepared cut-out PNG, streamed from disk as a service sends it: what is measured is the
 * function's side of the call (the local remover is a separate service with its own memory).
 */
async function measurePipelineSteps(
  large: StepImages,
  warmup: StepImages,
  progress: (message: string) => void,
): Promise<Record<MeasuredStep, PipelineStepMessage>> {
  const azurite = await startAzurite();
  const stopAzurite = onCleanup(() => azurite.stop());
  const database = await createBenchDatabase('thumbnails');
  const db = createDatabaseClient(database.url);
  const cutoutFiles = new Map<string, string>();
  const remover = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      const imageUrl = new URL((JSON.parse(body) as { image_url: string }).image_url);
      const file = cutoutFiles.get(/\/([a-z0-9]+)_original\.\w+$/.exec(imageUrl.pathname)?.[1] ?? '');
      if (!file) return void response.writeHead(404).end();
      response.writeHead(200, { 'content-type': 'image/png', 'content-length': String(statSync(file).size) });
      createReadStream(file).pipe(response);
    });
  });
  remover.listen(0, '127.0.0.1');
  await once(remover, 'listening');
  try {
    const blobs = BlobStore.fromSettings({ connectionString: azurite.connectionString });
    const userId = 'bench-pipeline-steps';
    await db.user.create({ data: { id: userId, quota: { create: { storageLimit: 10n * 1024n ** 3n, imageLimit: 1000 } } } });
    const seed = async (images: StepImages, status: 'pending_upload' | 'processing') => {
      const id = newImageId();
      const original = originalBlob(userId, id, 'image/jpeg');
      // An upload waits in the intake for its check; a run reads the checked original.
      await blobs.upload(status === 'pending_upload' ? intakeBlob(userId, id) : original, images.original, 'image/jpeg');
      cutoutFiles.set(id, images.cutoutFile);
      await db.userImage.create({
        data: {
          id,
          userId,
          status,
          originalName: 'photo.jpg',
          fileType: 'image/jpeg',
          fileSize: BigInt(images.original.length),
          originalPath: original.name,
        },
      });
      return id;
    };
    const env = {
      DETOUR_ENV: 'test',
      DATABASE_URL: database.url,
      DataStorage: azurite.connectionString,
      REMOVER_URL: `http://127.0.0.1:${(remover.address() as AddressInfo).port}/remove-background`,
      MAX_INPUT_PIXELS: String(MAX_INPUT_PIXELS),
    };
    const measured = {} as Record<MeasuredStep, PipelineStepMessage>;
    for (const [step, status] of [
      ['checkOriginal', 'pending_upload'],
      ['cutOutBackground', 'processing'],
    ] as const) {
      progress(`running ${step} on the large image`);
      const input: PipelineStepInput = { step, userId, warmupImageId: await seed(warmup, status), imageId: await seed(large, status) };
      measured[step] = await runWorker<PipelineStepMessage>(stepWorkerScript, input, { env });
    }
    return measured;
  } finally {
    remover.close();
    await db.$disconnect();
    await database.drop();
    await stopAzurite();
  }
}

const thumbnails: Benchmark = {
  name: 'thumbnails',
  title: 'JPEG → 400 px WebP: the product thumbnailer against naive sharp and jimp; the pipeline steps on a large image',
  needsBuild: true,
  async run(progress) {
    const settings = {
      megapixels: intSetting('BENCH_THUMB_MP', 12),
      largeMegapixels: intSetting('BENCH_THUMB_LARGE_MP', 50),
      rounds: intSetting('BENCH_THUMB_ROUNDS', 3),
      seconds: intSetting('BENCH_THUMB_SECONDS', 4),
      minImages: intSetting('BENCH_THUMB_MIN_IMAGES', 2),
    };
    const coreCounts = [...new Set([1, os.availableParallelism()])];
    sharp.concurrency(os.availableParallelism());
    const directory = await mkdtemp(path.join(os.tmpdir(), 'detour-bench-thumbnails-'));
    const removeDirectory = onCleanup(() => rm(directory, { recursive: true, force: true }));
    try {
      const size = dimensions(settings.megapixels, 4 / 3);
      progress(`making a ${size.width}×${size.height} photo-like JPEG`);
      const photo = await Photo.make(size.width, size.height);
      const jpeg = await photo.jpeg();
      const file = path.join(directory, 'photo.jpg');
      await writeFile(file, jpeg);
      const small = await Photo.make(640, 480);
      const warmupFile = path.join(directory, 'warmup.jpg');
      await writeFile(warmupFile, await small.jpeg());

      const rounds: Array<{ round: number; cores: number; imagesPerSecond: Record<ThumbnailerName, number> }> = [];
      for (let round = 0; round < settings.rounds; round++) {
        const order = THUMBNAILERS.map((_, index) => THUMBNAILERS[(index + round) % THUMBNAILERS.length]!);
        for (const cores of coreCounts) {
          const imagesPerSecond = {} as Record<ThumbnailerName, number>;
          for (const thumbnailer of order) {
            progress(`round ${round + 1}/${settings.rounds}, ${cores} core(s): ${thumbnailer}`);
            imagesPerSecond[thumbnailer] = await measureThroughput(thumbnailer, file, cores, settings.seconds, settings.minImages);
          }
          rounds.push({ round: round + 1, cores, imagesPerSecond });
        }
      }

      const memory = {} as Record<ThumbnailerName, Awaited<ReturnType<typeof measureMemory>>>;
      for (const thumbnailer of THUMBNAILERS) {
        progress(`peak memory: ${thumbnailer}`);
        memory[thumbnailer] = await measureMemory(thumbnailer, file, warmupFile);
      }

      const largeSize = dimensions(settings.largeMegapixels, 3 / 2);
      progress(`making a ${largeSize.width}×${largeSize.height} photo (JPEG and cut-out PNG)`);
      const large = await Photo.make(largeSize.width, largeSize.height);
      const largeFile = path.join(directory, 'large.jpg');
      const largeJpeg = await large.jpeg();
      await writeFile(largeFile, largeJpeg);
      const largeCutout = await large.cutoutPng();
      const largeCutoutFile = path.join(directory, 'large-cutout.png');
      await writeFile(largeCutoutFile, largeCutout);
      const warmupCutoutFile = path.join(directory, 'warmup-cutout.png');
      await writeFile(warmupCutoutFile, await small.cutoutPng());
      const largeMemory = {
        product: await measureMemory('product', largeFile, warmupFile),
        naive: await measureMemory('naive', largeFile, warmupFile),
      };
      const steps = await measurePipelineSteps(
        { original: largeJpeg, cutoutFile: largeCutoutFile },
        { original: await small.jpeg(), cutoutFile: warmupCutoutFile },
        progress,
      );

      const rows: ResultRow[] = [];
      const mp = `${settings.megapixels} MP`;
      for (const cores of coreCounts) {
        const measured = rounds.filter((entry) => entry.cores === cores);
        const coreLabel = cores === 1 ? '1 core' : `${cores} cores`;
        for (const thumbnailer of THUMBNAILERS) {
          rows.push({
            metric: `${mp} → WebP, ${LABEL[thumbnailer]}, ${coreLabel}`,
            value: median(measured.map((entry) => entry.imagesPerSecond[thumbnailer])),
            unit: 'images/s',
          });
        }
        const ratios = (other: ThumbnailerName) => measured.map((entry) => entry.imagesPerSecond.product / entry.imagesPerSecond[other]);
        const perRound = (other: ThumbnailerName) =>
          `rounds: ${ratios(other)
            .map((value) => `${round(value)}×`)
            .join(', ')}`;
        rows.push(
          targetRow(
            { metric: `product ÷ jimp, ${coreLabel}`, value: median(ratios('jimp')), unit: '×', detail: perRound('jimp') },
            { atLeast: 20, text: '≥ 20×' },
          ),
        );
        rows.push(
          targetRow(
            { metric: `product ÷ naive sharp, ${coreLabel}`, value: median(ratios('naive')), unit: '×', detail: perRound('naive') },
            { atLeast: 2, text: '≥ 2×' },
          ),
        );
      }
      for (const thumbnailer of THUMBNAILERS) {
        const { addedMiB, peakRssMiB } = memory[thumbnailer];
        rows.push({
          metric: `${mp} memory added by one thumbnail, ${LABEL[thumbnailer]}`,
          value: addedMiB,
          unit: 'MiB',
          detail: `process peak ${round(peakRssMiB)} MiB`,
        });
      }
      const largeMp = `${settings.largeMegapixels} MP`;
      const added = (peak: { addedMiB: number }) => `+${round(peak.addedMiB)} MiB over idle`;
      rows.push({
        metric: `${largeMp} JPEG peak RSS, product thumbnailer`,
        value: largeMemory.product.peakRssMiB,
        unit: 'MiB',
        detail: added(largeMemory.product),
      });
      rows.push({
        metric: `${largeMp} JPEG peak RSS, naive sharp`,
        value: largeMemory.naive.peakRssMiB,
        unit: 'MiB',
        detail: added(largeMemory.naive),
      });
      const stepLabel: Record<MeasuredStep, string> = {
        checkOriginal: `${largeMp} JPEG (${round(largeJpeg.length / 1e6)} MB) peak RSS, blob check (checkOriginal)`,
        cutOutBackground: `${largeMp} cut-out (${round(largeCutout.length / 1e6)} MB PNG) peak RSS, cutOutBackground (store + thumbnail + preview)`,
      };
      for (const [name, step] of Object.entries(steps) as Array<[MeasuredStep, PipelineStepMessage]>) {
        rows.push(
          targetRow(
            { metric: stepLabel[name], value: step.peakRssMiB, unit: 'MiB', detail: `${added(step)}, ${round(step.durationMs)} ms` },
            { atMost: 400, text: '≤ 400 MiB' },
          ),
        );
      }

      return {
        parameters: {
          ...settings,
          coreCounts,
          input: { ...size, bytes: jpeg.length, bitsPerPixel: round((jpeg.length * 8) / (size.width * size.height)) },
          largeInput: { ...largeSize, jpegBytes: largeJpeg.length, cutoutPngBytes: largeCutout.length },
        },
        rows,
        details: { rounds, memory, largeMemory, steps },
      };
    } finally {
      await removeDirectory();
    }
  },
};

export default thumbnails;
