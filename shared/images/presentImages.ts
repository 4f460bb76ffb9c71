import type { UserImage } from '../db/index.js';
import type { BlobStore } from '../storage/blobStore.js';
import { CONTAINERS, type BlobLocation } from '../storage/blobPaths.js';
import { PROCESSING_FAILED } from './imageErrors.js';
import type { ImageResource } from './imageSchemas.js';
import { toImageResource } from './toImageResource.js';

export interface PresentImagesOptions {
  blobs: BlobStore;
  readTtlMinutes: number;
  now?: Date;
}

/**
 * Rows → Image resources with fresh read-only links, one per existing blob. A link is only made for a
 * blob the row says exists: the original once it was accepted, the cut-out and thumbnail once written.
 */
export async function presentImages(images: readonly UserImage[], options: PresentImagesOptions): Promise<ImageResource[]> {
  const now = options.now ?? new Date();
  const urlsExpireAt = new Date(now.getTime() + options.readTtlMinutes * 60_000);
  const sign = async (location: BlobLocation | undefined) =>
    location ? (await options.blobs.createReadUrl(location, { ttlMinutes: options.readTtlMinutes }, now)).url : null;

  return Promise.all(
    images.map(async (image) => {
      const [original, processed, thumbnail] = await Promise.all([
        sign(hasStoredOriginal(image) ? { container: CONTAINERS.originals, name: image.originalPath } : undefined),
        sign(image.processedPath ? { container: CONTAINERS.processed, name: image.processedPath } : undefined),
        sign(image.thumbnailPath ? { container: CONTAINERS.thumbnails, name: image.thumbnailPath } : undefined),
      ]);
      return toImageResource(image, { original, processed, thumbnail }, urlsExpireAt);
    }),
  );
}

/**
 * The original exists from the blob check on, except for an upload that failed that check: its blob
 * was deleted then. A processing failure keeps the original so that the image can be retried.
 */
export function hasStoredOriginal(image: Pick<UserImage, 'status' | 'errorCode'>): boolean {
  if (image.status === 'pending_upload') return false;
  if (image.status === 'failed') return image.errorCode === PROCESSING_FAILED;
  return true;
}
