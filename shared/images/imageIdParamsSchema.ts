import { z } from 'zod';
import { imageIdSchema } from './imageSchemas.js';

/** The path parameters of every `/api/images/{id}…` route. */
export const imageIdParamsSchema = z.object({ id: imageIdSchema });
