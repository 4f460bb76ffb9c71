import { z } from 'zod';
import { galleryDownloadRequestSchema } from '../gallery/gallerySchemas.js';
import { galleryQuerySchema } from '../gallery/galleryQuerySchema.js';
import { imageIdSchema, imageStatusSchema } from '../images/imageSchemas.js';

/** Most images an export may name one by one (a filter, or none, reaches the whole gallery). */
const MAX_EXPORT_IDS = 1000;

/** The gallery's filters, spelt as its query string spells them (`"true"`, comma-separated tags). */
const exportFilterSchema = galleryQuerySchema.pick({ favorite: true, tags: true, from: true, to: true, q: true, status: true });

/** What an export holds, as stored for its orchestration: chosen ids, or parsed filters (dates as ISO text). */
export const exportSelectionSchema = z.union([
  z.strictObject({ ids: z.array(imageIdSchema) }),
  z.strictObject({
    filter: z.strictObject({
      favorite: z.boolean().optional(),
      tags: z.array(z.string()).optional(),
      from: z.coerce.date().optional(),
      to: z.coerce.date().optional(),
      q: z.string().optional(),
      status: imageStatusSchema.optional(),
    }),
  }),
]);

export type ExportSelection = z.input<typeof exportSelectionSchema>;

/** The body of `POST /api/exports`: chosen ids, or the images matching a filter (none: the whole gallery). */
export const exportRequestSchema = z
  .strictObject({
    ids: z.array(imageIdSchema).min(1).max(MAX_EXPORT_IDS).optional().meta({ description: 'These images only.' }),
    filter: exportFilterSchema
      .optional()
      .meta({ description: 'The images matching the gallery’s filters, spelt as its query string spells them.' }),
    variant: galleryDownloadRequestSchema.shape.variant,
  })
  .refine((body) => !(body.ids && body.filter), { message: 'give ids or a filter, not both', path: ['ids'] });

const EXPORT_STATUSES = ['queued', 'running', 'ready', 'failed', 'expired'] as const;

const SKIP_REASONS = ['not_found', 'deleted', 'not_ready', 'missing_file'] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

export const exportResourceSchema = z
  .object({
    id: z.string(),
    status: z.enum(EXPORT_STATUSES),
    variant: galleryDownloadRequestSchema.shape.variant.unwrap(),
    progress: z.object({
      done: z.number().int().meta({ description: 'Entries written or skipped.' }),
      total: z.number().int().meta({ description: 'Entries planned (one per image and file); 0 until planned.' }),
      bytes: z.number().int().meta({ description: 'Archive bytes written.' }),
    }),
    url: z.url().nullable().meta({ description: 'A read link to the ZIP (downloads as an attachment), only while `ready`.' }),
    urlExpiresAt: z.iso.datetime().nullable(),
    expiresAt: z.iso.datetime().nullable().meta({ description: 'When the ZIP is deleted (`ready` only).' }),
    skipped: z
      .array(z.object({ id: z.string(), reason: z.enum(SKIP_REASONS) }))
      .meta({ description: 'Images not in the archive and why (also listed in its MANIFEST.txt); the first 1000.' }),
    skippedCount: z.number().int(),
    error: z.string().nullable().meta({ description: 'Why a `failed` export failed.' }),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'Export' });

export type ExportResource = z.infer<typeof exportResourceSchema>;

export const exportListSchema = z.object({ exports: z.array(exportResourceSchema) });

/** The path of the routes of one export. */
export const exportIdParamsSchema = z.object({ id: z.string().regex(/^[a-z0-9]{20,40}$/, 'not an export id') });
