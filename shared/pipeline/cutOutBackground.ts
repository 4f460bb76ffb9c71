import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
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
 * trip: the PNG streams into `processed/` and, at the same time, into a temporary file, from which the
 * ≤ 400 px thumbnail and the ≤ 1600 px preview are rendered while the upload finishes. `processed/` is
 * never read back, and no step holds the cut-out in memory (it can be 170 MB at 50 MP).
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
    const toStorage = new PassThrough();
    const processed = IMAGE_OUTPUTS.processed;
    const storing = blobs.uploadStream(processed.location(image.userId, image.id), toStorage, processed.contentType, OUTPUT_CACHE_CONTROL);
    // Storage failing stops the transfer (and any wait for the upload to drain); the transfer failing
    // ends the upload with its error.
    storing.catch((error: unknown) => {
      const reason = error instanceof Error ? error : new Error(String(error));
      toStorage.destroy(reason);
      cutout.png.destroy(reason);
    });
    await copyToFileAndStream(cutout.png, file, toStorage);
    const received = since();

    // Rendered while the upload to `processed/` finishes.
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
    const [views] = await Promise.all([rendering, storing]);
    const { thumbnail, preview } = IMAGE_OUTPUTS;
    const [quality] = await Promise.all([
      cutout.quality ?? measureAlphaCoverage(views.thumbnail).then(qualityFromCoverage),
      blobs.upload(thumbnail.location(image.userId, image.id), views.thumbnail, thumbnail.contentType, OUTPUT_CACHE_CONTROL),
      blobs.upload(preview.location(image.userId, image.id), views.preview, preview.contentType, OUTPUT_CACHE_CONTROL),
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

/** Writes every chunk to the file and to the stream, at the pace of the slower of the two. */
async function copyToFileAndStream(source: Readable, file: string, stream: PassThrough): Promise<void> {
  const out = createWriteStream(file);
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      const fileReady = out.write(chunk);
      const streamReady = stream.write(chunk);
      if (!fileReady || !streamReady) {
        await Promise.all([fileReady || once(out, 'drain'), streamReady || once(stream, 'drain')]);
      }
    }
    stream.end();
    out.end();
    await finished(out);
  } catch (error) {
    stream.destroy(error instanceof Error ? error : new Error(String(error)));
    out.destroy();
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
export function qualityFromCoverage(coverage: { transparent: number; opaque: number; partial: number }): CutoutQuality {
  const separated = coverage.transparent >= 0.03 && coverage.opaque >= 0.03;
  if (separated && coverage.partial <= 0.04) return 'excellent';
  if (separated && coverage.partial <= 0.1) return 'good';
  return 'fair';
}
