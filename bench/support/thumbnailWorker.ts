import sharp from 'sharp';
import { THUMBNAILERS, type ThumbnailerName } from './thumbnailers.js';
import { markMemory, peakSince } from './memory.js';
import { closeChannel, nextFromParent, sendToParent, workerInput } from './workerChannel.js';

/**
 * One thumbnailer in a process of its own (see thumbnails.bench.ts). Each image gets one libvips
 * thread and no operation cache: a process (pinned to a core by the parent) is one core's worth of
 * work, and the same file thumbnailed again must not be served from a cache.
 *
 * - `throughput`: warms up on the input, says `ready`, waits for `go`, then thumbnails the input again
 *   and again for `seconds` (and at least `minImages` times) and reports the count and the time.
 * - `memory`: warms up on a small image, resets the peak RSS, thumbnails the input once and reports
 *   the peak.
 */

export type ThumbnailWorkerInput =
  | { mode: 'throughput'; thumbnailer: ThumbnailerName; file: string; maxPixels: number; seconds: number; minImages: number }
  | { mode: 'memory'; thumbnailer: ThumbnailerName; file: string; warmupFile: string; maxPixels: number };

export type ThumbnailWorkerMessage =
  | { type: 'ready' }
  | { type: 'throughput'; images: number; elapsedMs: number }
  | { type: 'memory'; peakRssMiB: number; addedMiB: number; baselineMiB: number; thumbnailBytes: number };

sharp.concurrency(1);
sharp.cache(false);

const input = workerInput<ThumbnailWorkerInput>();
const thumbnail = THUMBNAILERS[input.thumbnailer];

if (input.mode === 'throughput') {
  await thumbnail(input.file, input.maxPixels);
  await sendToParent({ type: 'ready' } satisfies ThumbnailWorkerMessage);
  await nextFromParent();
  const started = performance.now();
  let images = 0;
  while (performance.now() - started < input.seconds * 1000 || images < input.minImages) {
    await thumbnail(input.file, input.maxPixels);
    images += 1;
  }
  await sendToParent({ type: 'throughput', images, elapsedMs: performance.now() - started } satisfies ThumbnailWorkerMessage);
} else {
  await thumbnail(input.warmupFile, input.maxPixels);
  const mark = markMemory();
  const output = await thumbnail(input.file, input.maxPixels);
  const peak = peakSince(mark);
  await sendToParent({
    type: 'memory',
    ...peak,
    baselineMiB: mark.baselineMiB,
    thumbnailBytes: output.length,
  } satisfies ThumbnailWorkerMessage);
}
closeChannel();
