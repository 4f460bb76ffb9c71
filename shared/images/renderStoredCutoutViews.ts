import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { renderImageViews, type ImageViews } from '../media/imageMedia.js';
import type { BlobLocation } from '../storage/blobPaths.js';
import type { BlobStore } from '../storage/blobStore.js';

/**
 * The thumbnail and preview of a cut-out already in storage, rendered by sharp from a temporary file
 * (libvips reads a file strip by strip; a stream it would gather whole). For the cut-outs the pipeline
 * could not shrink as they arrived, and for previews added to images processed before previews existed.
 */
export async function renderStoredCutoutViews(blobs: BlobStore, cutout: BlobLocation, maxPixels: number): Promise<ImageViews> {
  const folder = await mkdtemp(path.join(tmpdir(), 'detour-cutout-'));
  try {
    const file = path.join(folder, 'cutout.png');
    await pipeline(await blobs.openReadStream(cutout), createWriteStream(file));
    return await renderImageViews(file, maxPixels);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
