import { cutOutBackground } from '../../shared/pipeline/cutOutBackground.js';
import { getServices } from '../../shared/services.js';
import { intakeBlob } from '../../shared/storage/blobPaths.js';
import { checkUploadedOriginal } from '../../shared/uploads/checkUploadedOriginal.js';
import { markMemory, peakSince } from './memory.js';
import { closeChannel, sendToParent, workerInput } from './workerChannel.js';

/**
 * One pipeline step as its function runs it, in a process of its own with the product's composition
 * root (settings from the environment: DATABASE_URL, DataStorage, REMOVER_URL, SHARP_CONCURRENCY), so
 * that its peak RSS is its own:
 *   checkOriginal     the blob trigger's work: the intake blob read whole (the host hands the function a
 *                     Buffer), sniffed and decode-checked, the row moved to `queued`;
 *   cutOutBackground  the remover called, its PNG streamed into a temporary file, uploaded from there
 *                     to `processed/` while the thumbnail and preview render from it, both stored, the
 *                     alpha rated.
 * It runs compiled (`npm run build` puts it in dist/bench/support/), by Node alone, as the Functions
 * worker runs the product.
 * A first run on a small image loads every client and library; the peak of the second run, on the
 * large image, is reported.
 */

export type MeasuredStep = 'checkOriginal' | 'cutOutBackground';

export interface PipelineStepInput {
  step: MeasuredStep;
  userId: string;
  warmupImageId: string;
  imageId: string;
}

export interface PipelineStepMessage {
  peakRssMiB: number;
  addedMiB: number;
  baselineMiB: number;
  durationMs: number;
}

const input = workerInput<PipelineStepInput>();
const { db, blobs, config } = getServices();

async function run(imageId: string): Promise<void> {
  const { userId } = input;
  const result =
    input.step === 'checkOriginal'
      ? await (async () => {
          const intake = intakeBlob(userId, imageId);
          const content = await blobs.readAll(intake);
          return checkUploadedOriginal({ db, blobs, maxInputPixels: config.limits.maxInputPixels, blobName: intake.name, content });
        })()
      : await cutOutBackground({
          db,
          blobs,
          remover: config.remover,
          readLinkTtlMinutes: config.sas.removerTtlMinutes,
          maxInputPixels: config.limits.maxInputPixels,
          userId,
          imageId,
        });
  if (result.outcome !== 'ok') throw new Error(`${input.step} did not run on ${imageId}: ${JSON.stringify(result)}`);
}

await run(input.warmupImageId);
const mark = markMemory();
const started = performance.now();
await run(input.imageId);
const durationMs = performance.now() - started;
await sendToParent({ ...peakSince(mark), baselineMiB: mark.baselineMiB, durationMs } satisfies PipelineStepMessage);
await db.$disconnect();
closeChannel();
