import { z } from 'zod';
import { tagsSchema, titleSchema } from '../images/imageSchemas.js';

/** The body of `POST /api/uploads`. */
export const uploadRequestSchema = z.strictObject({
  fileName: z.string().min(1).max(255),
  contentType: z.string().min(1).max(127),
  size: z.number().int().positive(),
  title: titleSchema.optional(),
  tags: tagsSchema.optional(),
});

export type UploadRequest = z.output<typeof uploadRequestSchema>;
