import type { Database } from '../db/index.js';
import { AppError } from '../errors.js';
import type { ApiKeyRequest, ApiKeyResource } from './apiKeySchemas.js';
import { hashApiKey, newApiKey } from './apiKeySecret.js';
import { toApiKeyResource } from './toApiKeyResource.js';

export interface CreateApiKeyOptions {
  db: Database;
  userId: string;
  request: ApiKeyRequest;
  now?: Date;
}

/** Keys a user may hold at once (revoked ones do not count): enough for every script, not a table filler. */
const MAX_ACTIVE_API_KEYS = 25;

/** `POST /api/keys`: a new key, returned this once; only its hash is stored. */
export async function createApiKey(options: CreateApiKeyOptions): Promise<Omit<ApiKeyResource, 'lastUsedAt'> & { key: string }> {
  const { db, userId, request } = options;
  const now = options.now ?? new Date();
  const active = await db.apiKey.count({ where: { userId, revokedAt: null } });
  if (active >= MAX_ACTIVE_API_KEYS) {
    throw new AppError('conflict', `You have ${MAX_ACTIVE_API_KEYS} API keys already; revoke one first.`);
  }
  const key = newApiKey();
  const stored = await db.apiKey.create({
    data: {
      userId,
      name: request.name,
      keyHash: hashApiKey(key),
      scopes: request.scopes,
      expiresAt: request.expiresInDays === undefined ? null : new Date(now.getTime() + request.expiresInDays * 86_400_000),
      createdAt: now,
    },
  });
  const { lastUsedAt: _never, ...resource } = toApiKeyResource(stored);
  return { ...resource, key };
}
