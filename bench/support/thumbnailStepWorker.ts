import { makeThumbnail } from '../../shared/pipeline/makeThumbnail.js';
import { getServices } from '../../shared/services.js';
import { markMemory, peakSince } from './memory.js';
import { closeChannel, sendToParent, workerInput } from './workerChannel.js';

/**
 * The pipeline's thumbnail step as the `makeThumbnail` activity runs it, in a process of its own with
 * the product's composition root (settings from the environment: DATABASE_URL, DataStorage,
 * SHARP_CONCURRENCY): read the image's row, stream its cut-out from Blob Storage through the
 * thumbnailer, upload the WebP, rate the alpha. A first run on a small image loads every client and
 * library; the peak RSS of the second run, on the large image, is reported.
 */

export interface ThumbnailStepInput {
  userId: string;
  warmupImageId: string;
  imageId: string;
}

export interface ThumbnailStepMessage {
  peakRssMiB: number;
  addedMiB: number;
  baselineMiB: number;
  durationMs: number;
}

const input = workerInput<ThumbnailStepInput>();
const { db, blobs, config } = getServices();
const step = (imageId: string) => makeThumbnail({ db, blobs, maxInputPixels: config.limits.maxInputPixels, userId: input.userId, imageId });

const warmup = await step(input.warmupImageId);
if (warmup.outcome !== 'ok') throw new Error(`The warm-up thumbnail did not run: ${JSON.stringify(warmup)}`);
const mark = markMemory();
const started = performance.now();
const result = await step(input.imageId);
const durationMs = performance.now() - started;
if (result.outcome !== 'ok') throw new Error(`The thumbnail step did not run: ${JSON.stringify(result)}`);
await sendToParent({ ...peakSince(mark), baselineMiB: mark.baselineMiB, durationMs } satisfies ThumbnailStepMessage);
await db.$disconnect();
closeChannel();
