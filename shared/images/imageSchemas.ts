import { z } from 'zod';
import { plainText } from '../http/plainText.js';

/** docs/api.md: tags are trimmed, lower-cased and de-duplicated; at most 20, each 1–32 characters. */
export const tagsSchema = z
  .array(plainText().trim().toLowerCase().min(1, 'a tag cannot be empty').max(32, 'a tag has at most 32 characters'))
  .max(20, 'at most 20 tags')
  .transform((tags) => [...new Set(tags)]);

export const titleSchema = plainText().trim().min(1, 'the title cannot be empty').max(200, 'at most 200 characters');

/** Image ids are cuids made by the server. */
export const imageIdSchema = z.string().regex(/^[a-z0-9]{20,40}$/, 'not an image id');

export const imageStatusSchema = z.enum(['pending_upload', 'queued', 'processing', 'ready', 'failed']);

export const imageResourceSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    status: imageStatusSchema,
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
    originalName: z.string(),
    fileSize: z.number().int(),
    fileType: z.string(),
    dimensions: z.object({ width: z.number().int(), height: z.number().int() }).nullable(),
    processingTime: z.number().int().nullable(),
    quality: z.enum(['excellent', 'good', 'fair']).nullable(),
    tags: z.array(z.string()),
    isFavorite: z.boolean(),
    isPublic: z.boolean(),
    duplicateOf: z
      .string()
      .nullable()
      .meta({ description: 'The earlier image of the same bytes whose outputs this image’s are copies of (no remover call), or null.' }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    urls: z.object({
      original: z.url().nullable(),
      processed: z.url().nullable(),
      thumbnail: z.url().nullable(),
      preview: z.url().nullable().meta({
        description:
          'The cut-out as a WebP fitting inside 1600×1600 px; null before `ready`, and for an image made before previews existed until the reconciliation timer makes its preview.',
      }),
    }),
    urlsExpireAt: z.iso.datetime(),
  })
  .meta({ id: 'Image' });

export type ImageResource = z.infer<typeof imageResourceSchema>;
