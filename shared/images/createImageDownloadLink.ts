import type { Database } from '../db/index.js';
import { AppError } from '../errors.js';
import type { BlobStore, SignedUrl } from '../storage/blobStore.js';
import { findOwnedImage } from './findOwnedImage.js';
import type { ImageVariant } from './imageDownloadQuerySchema.js';
import { safeFileStem } from './safeFileStem.js';
import { storedImageFile } from './storedImageFile.js';

export interface CreateImageDownloadLinkOptions {
  db: Database;
  blobs: BlobStore;
  userId: string;
  imageId: string;
  variant: ImageVariant;
  /** The redirect is followed at once: the link needs to live only minutes (`DOWNLOAD_SAS_TTL_MINUTES`). */
  ttlMinutes: number;
  now?: Date;
}

/**
 * `GET /api/images/{id}/download`: a read-only link to one file of the caller's image that the blob
 * service serves as an attachment named after the image's title.
 */
export async function createImageDownloadLink(options: CreateImageDownloadLinkOptions): Promise<SignedUrl> {
  const image = await findOwnedImage(options.db, options.userId, options.imageId);
  const file = storedImageFile(image, options.variant);
  if (!file) {
    throw new AppError('conflict', `This image has no ${options.variant} file to download while it is ${image.status}.`);
  }
  const attachmentFileName = `${safeFileStem(image.title)}.${file.extension}`;
  return options.blobs.createReadUrl(file.location, { ttlMinutes: options.ttlMinutes, attachmentFileName }, options.now);
}
