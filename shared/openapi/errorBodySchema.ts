import { z } from 'zod';
import { ERROR_CODES } from '../errors.js';

/** The one error body of docs/api.md. */
export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.enum(ERROR_CODES),
      message: z.string().meta({ description: 'What went wrong and what to do.' }),
      details: z.unknown().optional().meta({ description: 'For `invalid_request`, the failing fields.' }),
    }),
  })
  .meta({ id: 'Error' });
