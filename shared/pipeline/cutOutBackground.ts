import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Config } from '../config.js';
import type { Database } from '../db/index.js';
import { findImageInProcessing } from '../images/imageLifecycle.js';
import { IMAGE_OUTPUTS, OUTPUT_CACHE_CONTROL } from '../images/imageOutputs.js';
import { measureAlphaCoverage, renderImageViews, UndecodableImageError } from '../media/imageMedia.js';
import { CONTAINERS } from '../storage/blobPaths.js';
import type { BlobStore } from '../storage/blobStore.js';
import { failed, PIPELINE_STEPS, skipped, succeeded, type CutoutQuality, type StepInput, type StepResult } from './pipelineContract.js';
import { PermanentRemoverError, requestCutout } from './requestCutout.js';

export interface CutOutBackgroundOptions extends StepInput<typeof PIPELINE_STEPS.cutOutBackground> {
  db: Database;
  blobs: BlobStore;
  remover: Config['remover'];
  /** Life of the original's read link the remover fetches (`REMOVER_SAS_TTL_MINUTES`). */
  readLinkTtlMinutes: number;
  maxInputPixels: number;
}

/**
 * Sends the original to the background-removal service and makes every output from its answer in one
 * trip: the PNG streams into a temporary file, which is then uploaded to `processed/` (read from disk
 * block by block) while the ≤ 400 px thumbnail and the ≤ 1600 px preview are rendered from it. So
 * `processed/` is never read back, and nothing holds the cut-out in memory (170 MB at 50 MP). The
 * file comes first, not a tee of the response to storage and file: storage would set the pace of the
 * transfer and the render would start only after it, and every chunk would pass through two more
 * buffers (the upload's blocks), which at 50 MP cost more memory than the whole render.
 *
 * A permanent refusal, or an answer that is not a decodable image, is a failed outcome (no retry can
 * help; the user reads a plain message, the details go to the logs); transient failures (the service,
 * the transfer, storage) are thrown so that the orchestration retries them with backoff.
 */
export async function cutOutBackground(options: CutOutBackgroundOptions): Promise<StepResult<typeof PIPELINE_STEPS.cutOutBackground>> {
  if (!options.remover.url) throw new Error('REMOVER_URL is not set.');
  const found = await findImageInProcessing(options.db, options);
  if (!found.image) return skipped(found.reason);
  const { image } = found;
  const { blobs } = options;
  const started = performance.now();
  const since = () => Math.round(performance.now() - started);

  const readLink = await blobs.createReadUrl(
    { container: CONTAINERS.originals, name: image.originalPath },
    { ttlMinutes: options.readLinkTtlMinutes },
  );
  const folder = await mkdtemp(path.join(tmpdir(), 'detour-cutout-'));
  try {
    const cutout = await requestCutout({ removerUrl: options.remover.url, imageUrl: readLink.url, timeoutMs: options.remover.timeoutMs });
    const file = path.join(folder, 'cutout.png');
    await pipeline(cutout.png, createWriteStream(file));
    const received = since();

    // From the file at once: the upload to `processed/` (streamed from disk block by block) and the render.
    let rendered = 0;
    const rendering = renderImageViews(file, options.maxInputPixels).then(
      (views) => {
        rendered = since();
        return views;
      },
      (error: unknown) => {
        if (error instanceof UndecodableImageError) throw new PermanentRemoverError(`The cut-out cannot be read: ${describe(error)}`);
        throw error;
      },
    );
    const processed = IMAGE_OUTPUTS.processed;
    const storing = blobs.uploadFile(processed.location(image.userId, image.id), file, processed.contentType, OUTPUT_CACHE_CONTROL);
    // Both end before the step does, whatever happens: a retry must not race an upload still running.
    const [views, stored] = await Promise.allSettled([rendering, storing]);
    if (views.status === 'rejected') throw views.reason;
    if (stored.status === 'rejected') throw stored.reason;
    const { thumbnail, preview } = IMAGE_OUTPUTS;
    const [quality] = await Promise.all([
      cutout.quality ?? measureAlphaCoverage(views.value.thumbnail).then(qualityFromCoverage),
      blobs.upload(thumbnail.location(image.userId, image.id), views.value.thumbnail, thumbnail.contentType, OUTPUT_CACHE_CONTROL),
      blobs.upload(preview.location(image.userId, image.id), views.value.preview, preview.contentType, OUTPUT_CACHE_CONTROL),
    ]);
    return succeeded({ quality, stagesMs: { received, rendered, stored: since() } });
  } catch (error) {
    if (error instanceof PermanentRemoverError) {
      return failed('remover_refused', 'The background-removal service could not process this image.', error.message);
    }
    throw error;
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

function describe(error: Error): string {
  return error.cause instanceof Error ? error.cause.message : error.message;
}

/**
 * A clean cut-out has a clear background, a clear subject and thin soft edges; a cut-out that removed
 * almost nothing or almost everything, or left wide half-transparent areas, is doubtful.
 */
function qualityFromCoverage(coverage: { transparent: number; opaque: number; partial: number }): CutoutQuality {
  const separated = coverage.transparent >= 0.03 && coverage.opaque >= 0.03;
  if (separated && coverage.partial <= 0.04) return 'excellent';
  if (separated && coverage.partial <= 0.1) return 'good';
  return 'fair';
}
