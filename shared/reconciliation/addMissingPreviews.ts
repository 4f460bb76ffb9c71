import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Database } from '../db/index.js';
import { recordAddedPreview } from '../images/imageLifecycle.js';
import { IMAGE_OUTPUTS, OUTPUT_CACHE_CONTROL } from '../images/imageOutputs.js';
import { renderImageViews } from '../media/imageMedia.js';
import { CONTAINERS } from '../storage/blobPaths.js';
import type { BlobStore } from '../storage/blobStore.js';
import type { ReconciliationCursors } from './reconciliationCursors.js';

export interface AddMissingPreviewsOptions {
  db: Database;
  blobs: BlobStore;
  cursors: ReconciliationCursors;
  /** `MAX_INPUT_PIXELS`: the decode limit every render of the product keeps. */
  maxPixels: number;
  /** Previews made per run: each decodes a full cut-out, so far fewer than the other tasks' batches. */
  limit: number;
}

export type AddedPreview =
  | { repair: 'add_preview'; imageId: string; userId: string; bytes: number }
  | { repair: 'add_preview_failed'; imageId: string; userId: string; error: string };

const TASK = 'previews';

/**
 * Images made `ready` before the pipeline wrote previews have none, so a share page or the detail view
 * would have to load the full-resolution cut-out. Each run makes the previews of a few of them from
 * their stored cut-out (no remover call: the cut-out is there), records each with its bytes in the quota
 * (`recordAddedPreview`), and resumes from its cursor, so an image whose cut-out does not decode is
 * reported once per pass instead of blocking the others.
 */
export async function addMissingPreviews(options: AddMissingPreviewsOptions): Promise<AddedPreview[]> {
  const { db, blobs } = options;
  const after = await options.cursors.read(TASK);
  const images = await db.userImage.findMany({
    where: { status: 'ready', previewPath: null, processedPath: { not: null }, deletedAt: null, ...(after ? { id: { gt: after } } : {}) },
    orderBy: { id: 'asc' },
    take: options.limit,
  });
  const added: AddedPreview[] = [];
  for (const image of images) {
    const ref = { imageId: image.id, userId: image.userId };
    try {
      const preview = await renderPreview(blobs, image.processedPath!, options.maxPixels);
      const output = IMAGE_OUTPUTS.preview;
      const bytes = await blobs.upload(output.location(image.userId, image.id), preview, output.contentType, OUTPUT_CACHE_CONTROL);
      // Not recorded (the image changed meanwhile): the blob is left for the orphan sweep, which keeps
      // it if the pipeline has recorded a preview of its own at that name since.
      if (await recordAddedPreview(db, image, bytes)) added.push({ repair: 'add_preview', ...ref, bytes });
    } catch (error) {
      added.push({ repair: 'add_preview_failed', ...ref, error: error instanceof Error ? error.message : String(error) });
    }
  }
  await options.cursors.write(TASK, images.length === options.limit ? images.at(-1)!.id : undefined);
  return added;
}

/** The preview of a stored cut-out, rendered from a temporary file as the pipeline does (one sequential decode). */
async function renderPreview(blobs: BlobStore, processedPath: string, maxPixels: number): Promise<Buffer> {
  const folder = await mkdtemp(path.join(tmpdir(), 'detour-preview-'));
  try {
    const file = path.join(folder, 'cutout.png');
    await pipeline(await blobs.openReadStream({ container: CONTAINERS.processed, name: processedPath }), createWriteStream(file));
    return (await renderImageViews(file, maxPixels)).preview;
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
