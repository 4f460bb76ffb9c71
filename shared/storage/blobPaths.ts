import { USER_ID_PATTERN } from '../auth/userIdPattern.js';

/**
 * Where every blob lives. The only place that builds or parses a blob path: names come from the
 * server (user id + image id), never from the user's file name.
 */

export const CONTAINERS = { originals: 'originals', processed: 'processed', thumbnails: 'thumbnails', previews: 'previews' } as const;
export type ContainerName = (typeof CONTAINERS)[keyof typeof CONTAINERS];

/** The queue the blob trigger fills and the processing starter drains. */
export const PROCESSING_QUEUE = 'image-processing';

/** File extensions of the allowed upload types, by content type. */
export const EXTENSION_BY_CONTENT_TYPE = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/avif': 'avif',
} as const;
export type AllowedContentType = keyof typeof EXTENSION_BY_CONTENT_TYPE;

export interface BlobLocation {
  container: ContainerName;
  name: string;
}

export function originalBlob(userId: string, imageId: string, contentType: AllowedContentType): BlobLocation {
  return { container: CONTAINERS.originals, name: `${userId}/${imageId}_original.${EXTENSION_BY_CONTENT_TYPE[contentType]}` };
}

export function processedBlob(userId: string, imageId: string): BlobLocation {
  return { container: CONTAINERS.processed, name: `${userId}/${imageId}_processed.png` };
}

export function thumbnailBlob(userId: string, imageId: string): BlobLocation {
  return { container: CONTAINERS.thumbnails, name: `${userId}/${imageId}_thumb.webp` };
}

export function previewBlob(userId: string, imageId: string): BlobLocation {
  return { container: CONTAINERS.previews, name: `${userId}/${imageId}_preview.webp` };
}

const ORIGINAL_NAME = new RegExp(`^(${USER_ID_PATTERN.source.slice(1, -1)})/([a-z0-9]{20,40})_original\\.(jpg|png|webp|avif)$`);

/** The ids in an `originals/` blob name, or undefined for a name the product did not make. */
export function parseOriginalBlobName(name: string): { userId: string; imageId: string } | undefined {
  const match = ORIGINAL_NAME.exec(name);
  return match ? { userId: match[1]!, imageId: match[2]! } : undefined;
}
