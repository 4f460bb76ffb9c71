import type { Database } from '../db/index.js';
import { AppError } from '../errors.js';

/**
 * `DELETE /api/keys/{id}`: the key stops working with this UPDATE, on every instance (keys are looked
 * up on each request, never cached). Someone else's key is reported like a missing one.
 */
export async function revokeApiKey(db: Database, userId: string, keyId: string, now = new Date()): Promise<void> {
  const { count } = await db.apiKey.updateMany({ where: { id: keyId, userId, revokedAt: null }, data: { revokedAt: now } });
  if (count === 0) throw new AppError('not_found', `No API key ${keyId} among yours.`);
}
