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
  /** The file's SHA-256, computed by the client: a hint that finds the owner's image of the same bytes. */
  sha256: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'a SHA-256 is 64 hexadecimal characters')
    .transform((hex) => hex.toLowerCase())
    .optional(),
  /** Upload even when the owner already has an image of these bytes. */
  allowDuplicate: z.boolean().optional(),
});

export type UploadRequest = z.output<typeof uploadRequestSchema>;
