import { z } from 'zod';
import { plainText } from '../http/plainText.js';
import { tagsSchema, titleSchema } from '../images/imageSchemas.js';

/** The body of `POST /api/uploads`. */
export const uploadRequestSchema = z.strictObject({
  fileName: plainText().min(1).max(255),
  contentType: plainText().min(1).max(127),
  size: z.number().int().positive(),
  title: titleSchema.optional(),
  tags: tagsSchema.optional(),
});

export type UploadRequest = z.output<typeof uploadRequestSchema>;
