import { z } from 'zod';
import { tagsSchema, titleSchema } from './imageSchemas.js';

/** The body of `PATCH` / `PUT /api/images/{id}`: every field optional, unknown fields refused. */
export const imageUpdateSchema = z.strictObject({
  title: titleSchema.optional(),
  tags: tagsSchema.optional(),
  isFavorite: z.boolean().optional(),
  isPublic: z.boolean().optional(),
});

export type ImageUpdate = z.output<typeof imageUpdateSchema>;
