import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Config } from '../config.js';
import type { Database } from '../db/index.js';
import { findImageInProcessing } from '../images/imageLifecycle.js';
import { IMAGE_OUTPUTS, OUTPUT_CACHE_CONTROL } from '../images/imageOutputs.js';
import {
  measureAlphaCoverage,
  PREVIEW_SIZE,
  renderImageViews,
  renderImageViewsFromShrunk,
  UndecodableImageError,
} from '../media/imageMedia.js';
import { PngShrinker, type PngShrinkResult } from '../media/pngShrinker.js';
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
 * trip. The PNG streams into a temporary file and, chunk by chunk, through a `PngShrinker`, which keeps
 * only a copy shrunk by a whole factor (≤ 2× the preview's size): when the last byte is in, the 12 MP
 * decode is already done. The file is then uploaded to `processed/` (read from disk block by block)
 * while the ≤ 1600 px preview and the ≤ 400 px thumbnail are rendered from the shrunk copy, so
 * `processed/` is never read back and nothing holds the cut-out in memory (170 MB at 50 MP). A PNG the
 * shrinker does not read (16-bit, palette, interlaced, with a colour profile…) is rendered by sharp from
 * the file instead. The file comes first, not a tee of the response to storage: storage would set the
 * pace of the transfer, and the upload's blocks would sit in memory.
 *
 * A permanent refusal, or an answer that is not a decodable image, is a failed outcome (no retry can
 * help; the user reads a plain message, the details go to the logs) and nothing is stored; transient
 * failures (the service, the transfer, storage) are thrown so that the orchestration retries them with
 * backoff.
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
    const shrinker = new PngShrinker({ fitWithin: PREVIEW_SIZE, maxPixels: options.maxInputPixels });
    let shrunk: PngShrinkResult;
    try {
      await pipeline(cutout.png, tapInto(shrinker), createWriteStream(file));
      shrunk = await shrinker.end();
    } catch (error) {
      shrinker.abandon();
      throw error instanceof UndecodableImageError ? new PermanentRemoverError(`The cut-out cannot be read: ${error.message}`) : error;
    }
    const received = since();

    // From here at once: the upload to `processed/` (streamed from disk block by block) and the render.
    let rendered = 0;
    const rendering = (
      shrunk.kind === 'shrunk' ? renderImageViewsFromShrunk(shrunk.image) : renderImageViews(file, options.maxInputPixels)
    ).then(
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

/** Passes every chunk on unchanged once the shrinker has taken it (its pace is the transfer's). */
function tapInto(shrinker: PngShrinker): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      shrinker.write(chunk).then(() => callback(null, chunk), callback);
    },
  });
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
