import { z } from 'zod';
import { imageIdSchema, imageResourceSchema } from '../images/imageSchemas.js';

/** Most images one bulk request (delete or ZIP download) may name. */
export const MAX_IDS_PER_REQUEST = 100;

const imageIdsSchema = z.array(imageIdSchema).min(1).max(MAX_IDS_PER_REQUEST);

/** The body of `DELETE /api/gallery`. */
export const galleryDeleteRequestSchema = z.strictObject({ ids: imageIdsSchema });

/** The reply of `DELETE /api/gallery`. */
export const galleryDeleteResultSchema = z.object({
  deleted: z.array(z.string()),
  notFound: z.array(z.string()).meta({ description: 'Ids that are not in your gallery (missing or not yours).' }),
});

/** The body of `POST /api/gallery/download`. */
export const galleryDownloadRequestSchema = z.strictObject({
  ids: imageIdsSchema,
  variant: z.enum(['processed', 'original', 'both']).default('processed'),
});

export type GalleryDownloadVariant = z.output<typeof galleryDownloadRequestSchema>['variant'];

/** The reply of `GET /api/gallery`. */
export const galleryPageSchema = z.object({
  items: z.array(imageResourceSchema),
  nextCursor: z.string().nullable().meta({ description: 'Pass as `cursor` for the next page; null on the last page.' }),
});
