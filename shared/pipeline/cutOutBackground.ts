import type { Config } from '../config.js';
import type { Database } from '../db/index.js';
import { findImageInProcessing } from '../images/imageLifecycle.js';
import { IMAGE_OUTPUTS } from '../images/imageOutputs.js';
import { CONTAINERS } from '../storage/blobPaths.js';
import type { BlobStore } from '../storage/blobStore.js';
import { failed, PIPELINE_STEPS, skipped, succeeded, type StepInput, type StepResult } from './pipelineContract.js';
import { PermanentRemoverError, requestCutout } from './requestCutout.js';

export interface CutOutBackgroundOptions extends StepInput<typeof PIPELINE_STEPS.cutOutBackground> {
  db: Database;
  blobs: BlobStore;
  remover: Config['remover'];
  /** Life of the original's read link the remover fetches (`REMOVER_SAS_TTL_MINUTES`). */
  readLinkTtlMinutes: number;
}

/**
 * Sends the original to the background-removal service and streams the PNG it returns into
 * `processed/`. A permanent refusal is a failed outcome (no retry can help; the user reads a plain
 * message, the service's reply goes to the logs); transient failures are thrown so that the
 * orchestration retries them with backoff.
 */
export async function cutOutBackground(options: CutOutBackgroundOptions): Promise<StepResult<typeof PIPELINE_STEPS.cutOutBackground>> {
  if (!options.remover.url) throw new Error('REMOVER_URL is not set.');
  const found = await findImageInProcessing(options.db, options);
  if (!found.image) return skipped(found.reason);
  const { image } = found;

  const readLink = await options.blobs.createReadUrl(
    { container: CONTAINERS.originals, name: image.originalPath },
    { ttlMinutes: options.readLinkTtlMinutes },
  );
  try {
    const cutout = await requestCutout({ removerUrl: options.remover.url, imageUrl: readLink.url, timeoutMs: options.remover.timeoutMs });
    const output = IMAGE_OUTPUTS.processed;
    await options.blobs.uploadStream(output.location(image.userId, image.id), cutout.png, output.contentType);
    return succeeded({ quality: cutout.quality ?? null });
  } catch (error) {
    if (error instanceof PermanentRemoverError) {
      return failed('remover_refused', 'The background-removal service could not process this image.', error.message);
    }
    throw error;
  }
}
