import type { Config } from '../config.js';
import type { Database } from '../db/index.js';
import { findImageInProcessing } from '../images/imageLifecycle.js';
import { IMAGE_OUTPUTS, OUTPUT_CACHE_CONTROL } from '../images/imageOutputs.js';
import { renderStoredCutoutViews } from '../images/renderStoredCutoutViews.js';
import { measureAlphaCoverage, PREVIEW_SIZE, renderImageViewsFromShrunk, UndecodableImageError } from '../media/imageMedia.js';
import { PngShrinker, type PngShrinkResult } from '../media/pngShrinker.js';
import { CONTAINERS } from '../storage/blobPaths.js';
import type { BlobStore } from '../storage/blobStore.js';
import { StagedBlockWriter } from '../storage/stagedBlockWriter.js';
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

/** The cut-out is staged in blocks of this size, two buffers: one fills while the other is staged. */
const CUTOUT_BLOCK_BYTES = 8 * 1024 * 1024;

/**
 * Sends the original to the background-removal service and makes every output from its answer in one
 * pass: as the PNG arrives, each chunk is staged as part of `processed/` and read by a `PngShrinker`,
 * which keeps only a copy shrunk by a whole factor. When the last byte is in, the block list is
 * committed while the ≤ 1600 px preview and the ≤ 400 px thumbnail are rendered from that copy, so
 * neither the decode nor the upload waits for the transfer's end, `processed/` is never read back, and
 * memory stays at the staging buffers and the shrunk copy (the cut-out is 170 MB at 50 MP). A PNG the
 * shrinker does not read (16-bit, palette, interlaced, with a colour profile…) is rendered by sharp from
 * the stored file instead.
 *
 * A retry starts over with a new remover call, as the stream cannot be replayed; nothing is committed
 * before the whole answer has arrived and read as a PNG, so a broken answer leaves no `processed/` blob.
 * A permanent refusal, or an answer that is not a decodable PNG, is a failed outcome (no retry can help;
 * the user reads a plain message, the details go to the logs); transient failures (the service, the
 * transfer, storage) are thrown so that the orchestration retries them with backoff.
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
  const { processed, thumbnail, preview } = IMAGE_OUTPUTS;
  const processedLocation = processed.location(image.userId, image.id);
  try {
    const cutout = await requestCutout({ removerUrl: options.remover.url, imageUrl: readLink.url, timeoutMs: options.remover.timeoutMs });
    const shrinker = new PngShrinker({ fitWithin: PREVIEW_SIZE, maxPixels: options.maxInputPixels });
    const staged = new StagedBlockWriter(blobs, processedLocation, 0, CUTOUT_BLOCK_BYTES, 2);
    let shrunk: PngShrinkResult;
    try {
      for await (const chunk of cutout.png as AsyncIterable<Buffer>) await Promise.all([shrinker.write(chunk), staged.write(chunk)]);
      shrunk = await shrinker.end();
      await staged.flush();
    } catch (error) {
      cutout.png.destroy();
      shrinker.abandon();
      await staged.settle();
      if (error instanceof UndecodableImageError) throw new PermanentRemoverError(`The cut-out cannot be read: ${error.message}`);
      throw error;
    }
    const received = since();

    const committed = blobs.commitBlocks(processedLocation, staged.blockIds(), processed.contentType, OUTPUT_CACHE_CONTROL);
    const rendering =
      shrunk.kind === 'shrunk'
        ? renderImageViewsFromShrunk(shrunk.image)
        : committed.then(() => renderStoredCutoutViews(blobs, processedLocation, options.maxInputPixels));
    let rendered = 0;
    const [views, stored] = await Promise.allSettled([rendering.finally(() => (rendered = since())), committed]);
    if (views.status === 'rejected') {
      if (views.reason instanceof UndecodableImageError) throw new PermanentRemoverError(`The cut-out cannot be read: ${describe(views.reason)}`);
      throw views.reason;
    }
    if (stored.status === 'rejected') throw stored.reason;
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
