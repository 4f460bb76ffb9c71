import type { Database } from '../db/index.js';
import type { ApiKeyResource } from './apiKeySchemas.js';
import { toApiKeyResource } from './toApiKeyResource.js';

/** `GET /api/keys`: the caller's keys that were not revoked, newest first, without their secrets. */
export async function listApiKeys(db: Database, userId: string): Promise<ApiKeyResource[]> {
  const keys = await db.apiKey.findMany({ where: { userId, revokedAt: null }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
  return keys.map(toApiKeyResource);
}
