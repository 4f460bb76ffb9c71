import type { Readable } from 'node:stream';
import type { Database } from '../db/index.js';
import { AppError } from '../errors.js';
import type { ImageVariant } from '../images/imageDownloadQuerySchema.js';
import { IN_GALLERY } from '../images/imagePlaces.js';
import { storedImageFile } from '../images/storedImageFile.js';
import type { BlobStore } from '../storage/blobStore.js';
import type { GalleryDownloadVariant } from './gallerySchemas.js';
import { zipBlobs, type ZipBlobEntry } from './zipBlobs.js';
import { zipEntryName } from './zipEntryName.js';

export interface OpenGalleryZipOptions {
  db: Database;
  blobs: BlobStore;
  userId: string;
  imageIds: readonly string[];
  variant: GalleryDownloadVariant;
  onError: (error: unknown) => void;
}

export interface GalleryZip {
  stream: Readable;
  entryCount: number;
}

/** The files of each image that a ZIP (download or export) holds, by the variant asked for. */
export const VARIANT_FILES: Record<GalleryDownloadVariant, ImageVariant[]> = {
  processed: ['processed'],
  original: ['original'],
  both: ['original', 'processed'],
};

/**
 * `POST /api/gallery/download`: checks that every id is one of the caller's images with the asked
 * files (404 listing the others, 409 listing those not ready) before a byte is sent, then streams the
 * ZIP. Only blobs of the caller's own rows are ever opened.
 */
export async function openGalleryZip(options: OpenGalleryZipOptions): Promise<GalleryZip> {
  const requested = [...new Set(options.imageIds)];
  const images = await options.db.userImage.findMany({ where: { userId: options.userId, id: { in: requested }, ...IN_GALLERY } });
  const byId = new Map(images.map((image) => [image.id, image]));
  const notFound = requested.filter((id) => !byId.has(id));
  if (notFound.length > 0) {
    throw new AppError('not_found', `${notFound.length} of these images are not in your gallery.`, { details: { notFound } });
  }

  const variants = VARIANT_FILES[options.variant];
  const entries: ZipBlobEntry[] = [];
  const notReady: string[] = [];
  for (const id of requested) {
    const image = byId.get(id)!;
    const files = variants.map((variant) => ({ variant, file: storedImageFile(image, variant) }));
    if (files.some(({ file }) => !file)) {
      notReady.push(id);
      continue;
    }
    for (const { variant, file } of files) {
      const suffix = variants.length > 1 ? variant : undefined;
      entries.push({ location: file!.location, name: zipEntryName(image, file!.extension, suffix), date: image.createdAt });
    }
  }
  if (notReady.length > 0) {
    throw new AppError(
      'conflict',
      `${notReady.length} of these images have no ${options.variant} file yet; leave them out or wait until they are ready.`,
      {
        details: { notReady },
      },
    );
  }
  return { stream: zipBlobs({ blobs: options.blobs, entries, onError: options.onError }), entryCount: entries.length };
}
