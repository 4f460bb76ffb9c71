import { z } from 'zod';

const checkResult = z.enum(['ok', 'error']);

/** The reply of `GET /api/health`: 200 when every check passes, 503 otherwise. Never any detail. */
export const healthSchema = z.object({
  status: checkResult,
  checks: z.object({ database: checkResult, storage: checkResult }),
});

export type Health = z.infer<typeof healthSchema>;
