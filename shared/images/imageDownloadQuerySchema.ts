import { z } from 'zod';

/** The query of `GET /api/images/{id}/download`: the cut-out unless the original is asked for. */
export const imageDownloadQuerySchema = z.strictObject({
  variant: z.enum(['original', 'processed']).default('processed'),
});

export type ImageVariant = z.output<typeof imageDownloadQuerySchema>['variant'];
