import { z } from 'zod';
import { imageResourceSchema } from '../images/imageSchemas.js';

/** The reply of `POST /api/uploads` (built by `functions/requestUpload.ts`). */
export const uploadResponseSchema = z.object({
  image: imageResourceSchema,
  upload: z.object({
    url: z.url().meta({ description: 'Create-only link to exactly this image’s intake blob: one PUT of the file, nothing else.' }),
    method: z.literal('PUT'),
    headers: z.object({ 'x-ms-blob-type': z.literal('BlockBlob'), 'content-type': z.string() }),
    expiresAt: z.iso.datetime(),
  }),
});

/**
 * The reply of `POST /api/uploads` when the caller already has an image of the same bytes (`sha256`):
 * that image, ready or on its way.
 */
export const duplicateUploadResponseSchema = z.object({ duplicateOf: imageResourceSchema });
