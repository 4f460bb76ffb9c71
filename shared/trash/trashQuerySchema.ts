import { z } from 'zod';

/** The query of `GET /api/trash`. Unknown parameters are refused. */
export const trashQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(24).meta({ description: 'Images per page.' }),
  cursor: z.string().min(1).max(512).optional().meta({ description: 'The `nextCursor` of the previous page.' }),
});

export type TrashQuery = z.output<typeof trashQuerySchema>;
