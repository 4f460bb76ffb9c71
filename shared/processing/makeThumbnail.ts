import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Database } from '../db/index.js';
import { measureAlphaCoverage, renderThumbnail } from '../media/imageMedia.js';
import { processedBlob, thumbnailBlob } from '../storage/blobPaths.js';
import type { BlobStore } from '../storage/blobStore.js';
import type { CutoutQuality } from './requestCutout.js';

export interface MakeThumbnailOptions {
  db: Database;
  blobs: BlobStore;
  maxInputPixels: number;
  imageId: string;
  userId: string;
}

export type MakeThumbnailResult = { ok: true; estimatedQuality: CutoutQuality } | { ok: false; message: string };

/**
 * Streams the cut-out through sharp into a ≤ 400 px WebP in `thumbnails/` (no metadata survives), and
 * estimates the cut-out's quality from the thumbnail's alpha channel for services that send none.
 */
export async function makeThumbnail(options: MakeThumbnailOptions): Promise<MakeThumbnailResult> {
  const image = await options.db.userImage.findFirst({ where: { id: options.imageId, userId: options.userId } });
  if (!image || image.status !== 'processing' || image.deletedAt) return { ok: false, message: 'The image is no longer being processed.' };

  // Through a temporary file: the cut-out can be tens of megabytes, and sharp reads a file lazily.
  const folder = await mkdtemp(path.join(tmpdir(), 'detour-thumbnail-'));
  let thumbnail: Buffer;
  try {
    const cutout = path.join(folder, 'cutout.png');
    await options.blobs.downloadToFile(processedBlob(image.userId, image.id), cutout);
    thumbnail = await renderThumbnail(cutout, options.maxInputPixels);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
  await options.blobs.upload(thumbnailBlob(image.userId, image.id), thumbnail, 'image/webp');
  return { ok: true, estimatedQuality: qualityFromCoverage(await measureAlphaCoverage(thumbnail)) };
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
