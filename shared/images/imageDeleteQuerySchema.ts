import { z } from 'zod';

/** The query of `DELETE /api/images/{id}`: to the trash unless `permanent=true`. */
export const imageDeleteQuerySchema = z.strictObject({
  permanent: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true')
    .meta({ description: '`true`: delete the image and its files for good at once (also one in the trash), skipping the trash.' }),
});
