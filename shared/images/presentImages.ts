import type { UserImage } from '../db/index.js';
import type { BlobStore } from '../storage/blobStore.js';
import { CONTAINERS, type ContainerName } from '../storage/blobPaths.js';
import { PROCESSING_FAILED } from './imageErrors.js';
import type { ImageResource } from './imageSchemas.js';
import { toImageResource } from './toImageResource.js';

export interface PresentImagesOptions {
  blobs: BlobStore;
  readTtlMinutes: number;
  now?: Date;
}

/**
 * Rows → Image resources with read-only links, one per existing blob. A link is only made for a blob
 * the row says exists: the original once it was accepted, the outputs once written (an image made
 * before previews existed has none). Links are the same for every response within a window of time
 * (`BlobStore.createReadUrl`), so a browser reloading the gallery finds them in its cache; they all
 * expire together, at `urlsExpireAt`.
 */
export async function presentImages(images: readonly UserImage[], options: PresentImagesOptions): Promise<ImageResource[]> {
  const now = options.now ?? new Date();
  const { blobs } = options;
  const link = { ttlMinutes: options.readTtlMinutes };
  const urlsExpireAt = blobs.readUrlExpiry(link, now);
  const sign = async (container: ContainerName, name: string | null) =>
    name === null ? null : (await blobs.createReadUrl({ container, name }, link, now)).url;

  return Promise.all(
    images.map(async (image) => {
      const [original, processed, thumbnail, preview] = await Promise.all([
        sign(CONTAINERS.originals, hasStoredOriginal(image) ? image.originalPath : null),
        sign(CONTAINERS.processed, image.processedPath),
        sign(CONTAINERS.thumbnails, image.thumbnailPath),
        sign(CONTAINERS.previews, image.previewPath),
      ]);
      return toImageResource(image, { original, processed, thumbnail, preview }, urlsExpireAt);
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
