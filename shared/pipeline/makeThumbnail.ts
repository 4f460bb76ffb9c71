import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Database } from '../db/index.js';
import { findImageInProcessing } from '../images/imageLifecycle.js';
import { IMAGE_OUTPUTS } from '../images/imageOutputs.js';
import { measureAlphaCoverage, renderThumbnail } from '../media/imageMedia.js';
import type { BlobStore } from '../storage/blobStore.js';
import { PIPELINE_STEPS, skipped, succeeded, type CutoutQuality, type StepInput, type StepResult } from './pipelineContract.js';

export interface MakeThumbnailOptions extends StepInput<typeof PIPELINE_STEPS.makeThumbnail> {
  db: Database;
  blobs: BlobStore;
  maxInputPixels: number;
}

/**
 * Streams the cut-out through sharp into a ≤ 400 px WebP in `thumbnails/` (no metadata survives), and
 * estimates the cut-out's quality from the thumbnail's alpha channel for services that send none.
 */
export async function makeThumbnail(options: MakeThumbnailOptions): Promise<StepResult<typeof PIPELINE_STEPS.makeThumbnail>> {
  const found = await findImageInProcessing(options.db, options);
  if (!found.image) return skipped(found.reason);
  const { image } = found;

  // Through a temporary file: the cut-out can be tens of megabytes, and sharp reads a file lazily.
  const folder = await mkdtemp(path.join(tmpdir(), 'detour-thumbnail-'));
  let thumbnail: Buffer;
  try {
    const cutout = path.join(folder, 'cutout.png');
    await options.blobs.downloadToFile(IMAGE_OUTPUTS.processed.location(image.userId, image.id), cutout);
    thumbnail = await renderThumbnail(cutout, options.maxInputPixels);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
  const output = IMAGE_OUTPUTS.thumbnail;
  await options.blobs.upload(output.location(image.userId, image.id), thumbnail, output.contentType);
  return succeeded({ estimatedQuality: qualityFromCoverage(await measureAlphaCoverage(thumbnail)) });
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
