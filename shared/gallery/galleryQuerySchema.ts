import { z } from 'zod';
import { plainText } from '../http/plainText.js';
import { imageStatusSchema, tagsSchema } from '../images/imageSchemas.js';

const DAY_MS = 86_400_000;

/** An ISO date (`2025-05-01`, midnight UTC) or date-time with offset. */
const instant = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);

/** `true` or `false`, as a query string spells them. */
const flag = z.enum(['true', 'false']).transform((value) => value === 'true');

/** The query of `GET /api/gallery`. Unknown parameters are refused, so a misspelt filter is not ignored. */
export const galleryQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(24).meta({ description: 'Images per page.' }),
  cursor: z
    .string()
    .min(1)
    .max(512)
    .optional()
    .meta({ description: 'The `nextCursor` of the previous page, with the same filters and sort.' }),
  sort: z.enum(['newest', 'oldest']).default('newest'),
  favorite: flag.optional().meta({ description: 'Only favourites (`true`) or only the others (`false`).' }),
  tags: plainText()
    .max(700)
    .transform((list) => list.split(','))
    .pipe(tagsSchema)
    .optional()
    .meta({ description: 'Comma-separated tags; an image must have all of them.' }),
  from: instant
    .transform((value) => new Date(value))
    .optional()
    .meta({ description: 'Created at or after this instant (a date means its midnight UTC).' }),
  to: instant
    .transform((value) => (value.length === 10 ? new Date(Date.parse(value) + DAY_MS) : new Date(value)))
    .optional()
    .meta({ description: 'Created before this instant; a date includes that whole day (UTC).' }),
  q: plainText().trim().min(1).max(100).optional().meta({ description: 'Part of the title or original file name, any case.' }),
  status: imageStatusSchema.optional(),
});

export type GalleryQuery = z.output<typeof galleryQuerySchema>;

/** What selects and orders a gallery's images; a cursor is valid only for the same scope. */
export type GalleryFilters = Pick<GalleryQuery, 'favorite' | 'tags' | 'from' | 'to' | 'q' | 'status'>;
