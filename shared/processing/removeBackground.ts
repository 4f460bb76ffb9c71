import type { Config } from '../config.js';
import type { Database } from '../db/index.js';
import { CONTAINERS, processedBlob } from '../storage/blobPaths.js';
import type { BlobStore } from '../storage/blobStore.js';
import { PermanentRemoverError, requestCutout, type CutoutQuality } from './requestCutout.js';

export interface RemoveBackgroundOptions {
  db: Database;
  blobs: BlobStore;
  remover: Config['remover'];
  /** Life of the original's read link the remover fetches (`REMOVER_SAS_TTL_MINUTES`). */
  readLinkTtlMinutes: number;
  imageId: string;
  userId: string;
}

export type RemoveBackgroundResult = { ok: true; quality: CutoutQuality | null } | { ok: false; message: string };

/**
 * Sends the original to the background-removal service and streams the PNG it returns into
 * `processed/`. A permanent refusal is returned as a result (no retry can help); transient failures
 * are thrown so that the orchestration retries them with backoff.
 */
export async function removeBackground(options: RemoveBackgroundOptions): Promise<RemoveBackgroundResult> {
  if (!options.remover.url) throw new Error('REMOVER_URL is not set.');
  const image = await options.db.userImage.findFirst({ where: { id: options.imageId, userId: options.userId } });
  if (!image || image.status !== 'processing' || image.deletedAt) return { ok: false, message: 'The image is no longer being processed.' };

  const readLink = await options.blobs.createReadUrl(
    { container: CONTAINERS.originals, name: image.originalPath },
    { ttlMinutes: options.readLinkTtlMinutes },
  );
  try {
    const cutout = await requestCutout({ removerUrl: options.remover.url, imageUrl: readLink.url, timeoutMs: options.remover.timeoutMs });
    await options.blobs.uploadStream(processedBlob(image.userId, image.id), cutout.png, 'image/png');
    return { ok: true, quality: cutout.quality ?? null };
  } catch (error) {
    if (error instanceof PermanentRemoverError) return { ok: false, message: error.message };
    throw error;
  }
}
