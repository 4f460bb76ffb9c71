import type { HttpHandler, HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { authenticateApiKey } from '../apiKeys/authenticateApiKey.js';
import { looksLikeApiKey } from '../apiKeys/apiKeySecret.js';
import type { ApiKeyScope } from '../apiKeys/apiKeyScopes.js';
import { bearerTokenFrom, verifyAccessToken, type TokenIdentity } from '../auth/verifyAccessToken.js';
import { AppError, ensureAppError } from '../errors.js';
import { getServices, type Services } from '../services.js';
import { ensureUser } from '../users/ensureUser.js';
import { toErrorResponse } from './toErrorResponse.js';

/**
 * The HTTP edge. Every route handler is wrapped once here: errors from anywhere below become the
 * docs/api.md error body (internal ones logged with their cause, never sent), and authenticated routes get
 * the caller's identity after the token (a session's JWT or an API key) is checked and the user exists.
 */

/**
 * What each authenticated route (by function name) lets an API key do: the scope the key needs, or
 * `session` for routes only a signed-in session may use (managing keys: a key never makes or sees keys).
 * A JWT may use every route. The OpenAPI document takes its security requirements from this table.
 */
export const ROUTE_ACCESS = {
  requestUpload: 'uploads',
  listGallery: 'images:read',
  getImage: 'images:read',
  downloadImage: 'images:read',
  downloadGalleryZip: 'images:read',
  listTrash: 'images:read',
  createExport: 'images:read',
  getExport: 'images:read',
  listExports: 'images:read',
  deleteExport: 'images:read',
  getUsage: 'images:read',
  getUsageHistory: 'images:read',
  openApiDocument: 'images:read',
  updateImage: 'images:write',
  deleteImage: 'images:write',
  deleteGalleryImages: 'images:write',
  retryImage: 'images:write',
  restoreTrash: 'images:write',
  emptyTrash: 'images:write',
  createShareLink: 'shares',
  revokeShareLinks: 'shares',
  listImageShareLinks: 'shares',
  listShareLinks: 'shares',
  revokeShareLink: 'shares',
  revokeAllShareLinks: 'shares',
  createApiKey: 'session',
  listApiKeys: 'session',
  revokeApiKey: 'session',
  // A webhook carries what images:read reads, to an address its owner chose.
  createWebhook: 'images:read',
  listWebhooks: 'images:read',
  deleteWebhook: 'images:read',
  listWebhookDeliveries: 'images:read',
  testWebhook: 'images:read',
} as const satisfies Record<string, ApiKeyScope | 'session'>;

export type AuthenticatedRouteName = keyof typeof ROUTE_ACCESS;

/** How the caller proved who they are. */
type Credential = { kind: 'session' } | { kind: 'apiKey'; keyId: string };

export interface RouteScope {
  services: Services;
  context: InvocationContext;
}

export interface AuthenticatedScope extends RouteScope {
  user: TokenIdentity;
  credential: Credential;
}

export function publicRoute(handler: (request: HttpRequest, scope: RouteScope) => Promise<HttpResponseInit>): HttpHandler {
  return async (request, context) => {
    let response: HttpResponseInit;
    try {
      response = await handler(request, { services: getServices(), context });
    } catch (error) {
      response = errorResponse(error, context);
    }
    return withEdgeHeaders(response);
  };
}

/** Every API response: browsers never guess a type other than the one sent. */
function withEdgeHeaders(response: HttpResponseInit): HttpResponseInit {
  const headers = new Headers(response.headers);
  headers.set('x-content-type-options', 'nosniff');
  return { ...response, headers: Object.fromEntries(headers) };
}

export function authenticatedRoute(handler: (request: HttpRequest, scope: AuthenticatedScope) => Promise<HttpResponseInit>): HttpHandler {
  return publicRoute(async (request, scope) => {
    const { config, db } = scope.services;
    const access: ApiKeyScope | 'session' | undefined = ROUTE_ACCESS[scope.context.functionName as AuthenticatedRouteName];
    if (!access) throw new Error(`The route ${scope.context.functionName} is missing from ROUTE_ACCESS.`);
    const token = bearerTokenFrom(request.headers.get('authorization'));
    if (looksLikeApiKey(token)) {
      const key = await authenticateApiKey(db, token);
      if (access === 'session') {
        throw new AppError('insufficient_scope', 'API keys cannot use this route: sign in to the web page to manage keys.', {
          details: { requiredScope: null },
        });
      }
      if (!key.scopes.includes(access)) {
        throw new AppError('insufficient_scope', `This API key lacks the scope "${access}" that this route needs.`, {
          details: { requiredScope: access },
        });
      }
      // The key's user exists: the key was made by their signed-in session.
      return handler(request, { ...scope, user: { userId: key.userId }, credential: { kind: 'apiKey', keyId: key.keyId } });
    }
    const user = await verifyAccessToken(token, config.auth);
    await ensureUser(db, user, {
      storageLimitBytes: config.limits.defaultStorageLimitBytes,
      imageLimit: config.limits.defaultImageLimit,
    });
    return handler(request, { ...scope, user, credential: { kind: 'session' } });
  });
}

function errorResponse(error: unknown, context: InvocationContext): HttpResponseInit {
  const appError = ensureAppError(error);
  if (appError.code === 'internal_error') {
    context.error('Unhandled error', appError.cause instanceof Error ? appError.cause.stack : appError.cause);
  }
  return toErrorResponse(appError);
}
