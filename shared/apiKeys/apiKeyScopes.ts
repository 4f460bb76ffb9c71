/**
 * What an API key may do. Each authenticated route names the one scope it needs (`shared/http/routes.ts`);
 * a signed-in session (JWT) may do everything.
 */
export const API_KEY_SCOPES = ['images:read', 'images:write', 'uploads', 'shares'] as const;

export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];
