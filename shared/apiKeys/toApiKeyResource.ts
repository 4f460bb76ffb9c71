import type { ApiKey } from '../db/index.js';
import type { ApiKeyResource } from './apiKeySchemas.js';
import type { ApiKeyScope } from './apiKeyScopes.js';

export function toApiKeyResource(key: ApiKey): ApiKeyResource {
  return {
    id: key.id,
    name: key.name,
    scopes: key.scopes as ApiKeyScope[],
    createdAt: key.createdAt.toISOString(),
    expiresAt: key.expiresAt?.toISOString() ?? null,
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
  };
}
