import type { Database } from '../db/index.js';
import { AppError } from '../errors.js';
import { hashApiKey } from './apiKeySecret.js';
import type { ApiKeyScope } from './apiKeyScopes.js';

export interface ApiKeyIdentity {
  keyId: string;
  userId: string;
  scopes: ApiKeyScope[];
}

/** `lastUsedAt` is written at most once a minute per key, not on every request. */
const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * The key of an `Authorization: Bearer dtr_…` header → who it acts for and what it may do. Looked up
 * by its hash on every request, with no cache, so a revocation or an expiry takes effect at once on
 * every instance. Unknown, revoked and expired keys are all `unauthorized`.
 */
export async function authenticateApiKey(db: Database, key: string, now = new Date()): Promise<ApiKeyIdentity> {
  const stored = await db.apiKey.findUnique({
    where: { keyHash: hashApiKey(key) },
    select: { id: true, userId: true, scopes: true, expiresAt: true, revokedAt: true, lastUsedAt: true },
  });
  if (!stored) throw new AppError('unauthorized', 'The API key is not valid.');
  if (stored.revokedAt) throw new AppError('unauthorized', 'The API key was revoked.');
  if (stored.expiresAt && stored.expiresAt <= now) throw new AppError('unauthorized', 'The API key has expired. Create a new one.');

  const stale = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
  if (!stored.lastUsedAt || stored.lastUsedAt < stale) {
    // Conditional, so that concurrent requests of one key write it once.
    await db.apiKey.updateMany({
      where: { id: stored.id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: stale } }] },
      data: { lastUsedAt: now },
    });
  }
  return { keyId: stored.id, userId: stored.userId, scopes: stored.scopes as ApiKeyScope[] };
}
