import { z } from 'zod';
import { MAX_IDS_PER_REQUEST } from '../gallery/gallerySchemas.js';
import { imageIdSchema, imageResourceSchema } from '../images/imageSchemas.js';

const imageIdsSchema = z.array(imageIdSchema).min(1).max(MAX_IDS_PER_REQUEST);

/** An image in the trash: the Image resource, and when it was trashed and will be deleted for good. */
const trashedImageSchema = imageResourceSchema
  .extend({
    trashedAt: z.iso.datetime(),
    purgeAt: z.iso.datetime().meta({ description: 'When it is deleted for good unless restored: `trashedAt` + TRASH_RETENTION_DAYS.' }),
  })
  .meta({ id: 'TrashedImage' });

export type TrashedImage = z.infer<typeof trashedImageSchema>;

/** The reply of `GET /api/trash`. */
export const trashPageSchema = z.object({
  items: z.array(trashedImageSchema),
  nextCursor: z.string().nullable().meta({ description: 'Pass as `cursor` for the next page; null on the last page.' }),
});

/** The body of `POST /api/trash/restore`: some images (`ids`), or the whole trash (`all: true`), not both. */
export const trashRestoreRequestSchema = z
  .strictObject({
    ids: imageIdsSchema.optional().meta({ description: 'Images to restore: all of them are in your trash, or none is restored.' }),
    all: z.literal(true).optional().meta({ description: 'Restore everything in the trash.' }),
  })
  .refine((body) => (body.ids === undefined) !== (body.all === undefined), { message: 'send either ids or all: true' });

/** The reply of `POST /api/trash/restore`. */
export const trashRestoreResultSchema = z.object({
  restored: z.number().int().min(0).meta({ description: 'How many images went back to the gallery.' }),
});

/** The body of `DELETE /api/trash`: some images, or none (an empty body or `{}`) to empty the whole trash. */
export const trashDeleteRequestSchema = z.strictObject({ ids: imageIdsSchema.optional() });

/** The reply of `DELETE /api/trash` without ids. */
export const trashEmptiedSchema = z.object({
  deleting: z
    .number()
    .int()
    .min(0)
    .meta({ description: 'How many images left the trash for good; their files and bytes are removed now and by the clean-up timer.' }),
});
