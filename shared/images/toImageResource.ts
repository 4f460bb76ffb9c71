import type { UserImage } from '../db/index.js';
import type { ImageResource } from './imageSchemas.js';

export interface ImageUrls {
  original: string | null;
  processed: string | null;
  thumbnail: string | null;
  preview: string | null;
}

/** A database row and its signed links → the docs/api.md Image resource. */
export function toImageResource(image: UserImage, urls: ImageUrls, urlsExpireAt: Date): ImageResource {
  return { ...toImageFields(image), urls, urlsExpireAt: urlsExpireAt.toISOString() };
}

/** The Image resource without its links (what a webhook delivery carries). */
export function toImageFields(image: UserImage): Omit<ImageResource, 'urls' | 'urlsExpireAt'> {
  return {
    id: image.id,
    title: image.title,
    status: image.status,
    error: image.errorCode ? { code: image.errorCode, message: image.errorMessage ?? '' } : null,
    originalName: image.originalName,
    fileSize: Number(image.fileSize),
    fileType: image.fileType,
    dimensions: image.width !== null && image.height !== null ? { width: image.width, height: image.height } : null,
    processingTime: image.processingTime,
    quality: image.quality,
    tags: image.tags,
    isFavorite: image.isFavorite,
    isPublic: image.isPublic,
    duplicateOf: image.duplicateOf,
    createdAt: image.createdAt.toISOString(),
    updatedAt: image.updatedAt.toISOString(),
  };
}
