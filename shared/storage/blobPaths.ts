import { USER_ID_PATH_SEGMENT } from '../auth/userIdPattern.js';

/**
 * Where every blob lives. The only place that builds or parses a blob path: names come from the
 * server (user id + image id), never from the user's file name.
 *
 * `uploads/` is the intake: the only container an upload link can reach. The blob check copies the
 * bytes it judged from there to `originals/`, under the extension of the type it found, and deletes
 * the intake blob; nothing else ever reads `uploads/` (docs/security.md).
 */

export const CONTAINERS = {
  uploads: 'uploads',
  originals: 'originals',
  processed: 'processed',
  thumbnails: 'thumbnails',
  previews: 'previews',
  /** Gallery exports (ZIP archives), removed when they expire. */
  exports: 'exports',
} as const;
export type ContainerName = (typeof CONTAINERS)[keyof typeof CONTAINERS];

/** The containers of images' files, where each blob belongs to one image row. */
export const IMAGE_CONTAINERS = [
  CONTAINERS.uploads,
  CONTAINERS.originals,
  CONTAINERS.processed,
  CONTAINERS.thumbnails,
  CONTAINERS.previews,
] as const;
type ImageContainerName = (typeof IMAGE_CONTAINERS)[number];

/** The queue the blob trigger fills and the processing starter drains. */
export const PROCESSING_QUEUE = 'image-processing';

/** The queue whose messages wake the webhook dispatcher (`functions/deliverWebhooks.ts`). */
export const WEBHOOK_DELIVERY_QUEUE = 'webhook-deliveries';

/** The queue of emptied trashes whose deletions are finished in batches (`functions/finishImageDeletions.ts`). */
export const IMAGE_DELETION_QUEUE = 'image-deletions';

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

/** Where the browser puts the bytes of one upload request; the upload link reaches this blob only. */
export function intakeBlob(userId: string, imageId: string): BlobLocation {
  return { container: CONTAINERS.uploads, name: `${userId}/${imageId}` };
}

/** The stored original, named after the type its bytes were found to be (never the declared one). */
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

/** A gallery export's archive. */
export function exportBlob(userId: string, exportId: string): BlobLocation {
  return { container: CONTAINERS.exports, name: `${userId}/${exportId}.zip` };
}

const USER_ID = USER_ID_PATH_SEGMENT;
const IMAGE_ID = '[a-z0-9]{20,40}';

/** The names the product makes in each image container; group 1 is the user id, group 2 the image id. */
const BLOB_NAMES: Record<ImageContainerName, RegExp> = {
  uploads: new RegExp(`^(${USER_ID})/(${IMAGE_ID})$`),
  originals: new RegExp(`^(${USER_ID})/(${IMAGE_ID})_original\\.(jpg|png|webp|avif)$`),
  processed: new RegExp(`^(${USER_ID})/(${IMAGE_ID})_processed\\.png$`),
  thumbnails: new RegExp(`^(${USER_ID})/(${IMAGE_ID})_thumb\\.webp$`),
  previews: new RegExp(`^(${USER_ID})/(${IMAGE_ID})_preview\\.webp$`),
};

/** The ids in a blob's name, or undefined for a name the product did not make. */
export function parseBlobName(location: BlobLocation): { userId: string; imageId: string } | undefined {
  if (location.container === CONTAINERS.exports) return undefined;
  const match = BLOB_NAMES[location.container].exec(location.name);
  return match ? { userId: match[1]!, imageId: match[2]! } : undefined;
}

const CONTENT_TYPE_BY_EXTENSION: Record<string, string> = Object.fromEntries(
  Object.entries(EXTENSION_BY_CONTENT_TYPE).map(([contentType, extension]) => [extension, contentType]),
);

/**
 * The type a stored image is served as, from its name: an image type the product checked or produced,
 * or `application/octet-stream` for anything else (an intake blob, a name the product did not make).
 */
export function servedContentType(location: BlobLocation): { contentType: string; isImage: boolean } {
  if (location.container === CONTAINERS.exports) return { contentType: 'application/zip', isImage: false };
  const contentType =
    location.container === CONTAINERS.uploads ? undefined : CONTENT_TYPE_BY_EXTENSION[location.name.split('.').pop() ?? ''];
  return contentType ? { contentType, isImage: true } : { contentType: 'application/octet-stream', isImage: false };
}
