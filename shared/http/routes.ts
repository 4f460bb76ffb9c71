import type { HttpHandler, HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { bearerTokenFrom, verifyAccessToken, type TokenIdentity } from '../auth/verifyAccessToken.js';
import { ensureAppError } from '../errors.js';
import { getServices, type Services } from '../services.js';
import { ensureUser } from '../users/ensureUser.js';
import { toErrorResponse } from './toErrorResponse.js';

/**
 * The HTTP edge. Every route handler is wrapped once here: errors from anywhere below become the
 * docs/api.md error body (internal ones logged with their cause, never sent), and authenticated routes get
 * the caller's identity after the token is checked and the user exists.
 */

export interface RouteScope {
  services: Services;
  context: InvocationContext;
}

export interface AuthenticatedScope extends RouteScope {
  user: TokenIdentity;
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
    const user = await verifyAccessToken(bearerTokenFrom(request.headers.get('authorization')), config.auth);
    await ensureUser(db, user, {
      storageLimitBytes: config.limits.defaultStorageLimitBytes,
      imageLimit: config.limits.defaultImageLimit,
    });
    return handler(request, { ...scope, user });
  });
}

function errorResponse(error: unknown, context: InvocationContext): HttpResponseInit {
  const appError = ensureAppError(error);
  if (appError.code === 'internal_error') {
    context.error('Unhandled error', appError.cause instanceof Error ? appError.cause.stack : appError.cause);
  }
  return toErrorResponse(appError);
}
