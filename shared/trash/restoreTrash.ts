import type { z } from 'zod';
import type { Database } from '../db/index.js';
import { restoreFromTrash, restoreWholeTrash } from '../images/imageLifecycle.js';
import type { trashRestoreRequestSchema } from './trashSchemas.js';

export interface RestoreTrashOptions {
  db: Database;
  userId: string;
  request: z.output<typeof trashRestoreRequestSchema>;
}

/**
 * `POST /api/trash/restore`: images go back to the gallery exactly as they were (title, tags,
 * favourite, outputs, status, place in the gallery's order), their share links still revoked. With
 * `ids`, all of them or none (`not_found` lists those not in the caller's trash); with `all`, the whole
 * trash in one UPDATE, however large.
 */
export async function restoreTrash(options: RestoreTrashOptions): Promise<{ restored: number }> {
  const { db, userId, request } = options;
  const restored = request.ids ? await restoreFromTrash(db, { userId, imageIds: request.ids }) : await restoreWholeTrash(db, userId);
  return { restored };
}
