import type { UserImage } from '../db/index.js';
import { CONTAINERS, type BlobLocation } from '../storage/blobPaths.js';
import type { ImageVariant } from './imageDownloadQuerySchema.js';
import { hasStoredOriginal } from './presentImages.js';

export interface StoredImageFile {
  location: BlobLocation;
  /** The file extension of the stored bytes, without the dot. */
  extension: string;
}

/**
 * The blob holding one variant of an image, or undefined while it does not exist: the original from
 * its acceptance on (unless it was rejected), the cut-out once finalisation recorded it (`ready`).
 */
export function storedImageFile(
  image: Pick<UserImage, 'status' | 'errorCode' | 'originalPath' | 'processedPath'>,
  variant: ImageVariant,
): StoredImageFile | undefined {
  if (variant === 'original') {
    if (!hasStoredOriginal(image)) return undefined;
    return {
      location: { container: CONTAINERS.originals, name: image.originalPath },
      extension: image.originalPath.split('.').pop() ?? 'bin',
    };
  }
  if (!image.processedPath) return undefined;
  return { location: { container: CONTAINERS.processed, name: image.processedPath }, extension: 'png' };
}
