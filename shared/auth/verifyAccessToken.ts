import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { AppError } from '../errors.js';
import { USER_ID_PATTERN } from './userIdPattern.js';

export interface AccessTokenSettings {
  jwtSecret?: string;
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
}

export interface TokenIdentity {
  userId: string;
  email?: string;
  name?: string;
}

// One key set per JWKS URL for the life of the process: jose caches keys and refetches on unknown `kid`.
const keySets = new Map<string, JWTVerifyGetKey>();

function keySetFor(url: string): JWTVerifyGetKey {
  let keySet = keySets.get(url);
  if (!keySet) {
    keySet = createRemoteJWKSet(new URL(url), { cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000 });
    keySets.set(url, keySet);
  }
  return keySet;
}

function unauthorized(message: string, cause?: unknown): AppError {
  return new AppError('unauthorized', message, { cause });
}

async function verify(token: string, settings: AccessTokenSettings): Promise<JWTPayload> {
  const options = {
    issuer: settings.issuer,
    audience: settings.audience,
    requiredClaims: ['exp', 'sub'],
    clockTolerance: 30,
  };
  if (settings.jwksUrl) {
    return (await jwtVerify(token, keySetFor(settings.jwksUrl), { ...options, algorithms: ['RS256', 'ES256'] })).payload;
  }
  if (settings.jwtSecret) {
    return (await jwtVerify(token, new TextEncoder().encode(settings.jwtSecret), { ...options, algorithms: ['HS256'] })).payload;
  }
  throw new Error('No token verification is configured (AUTH_JWKS_URL or AUTH_JWT_SECRET).');
}

/** Checks a bearer token and returns who it names; every failure is an `unauthorized` AppError. */
export async function verifyAccessToken(token: string, settings: AccessTokenSettings): Promise<TokenIdentity> {
  let payload: JWTPayload;
  try {
    payload = await verify(token, settings);
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) throw unauthorized('The access token has expired. Sign in again.', error);
    if (error instanceof joseErrors.JOSEError) throw unauthorized('The access token is not valid.', error);
    throw error;
  }
  if (typeof payload.sub !== 'string' || !USER_ID_PATTERN.test(payload.sub)) {
    throw unauthorized('The access token has no valid subject (sub).');
  }
  return {
    userId: payload.sub,
    email: typeof payload.email === 'string' ? payload.email.slice(0, 320) : undefined,
    name: typeof payload.name === 'string' ? payload.name.slice(0, 200) : undefined,
  };
}

/** The token of an `Authorization: Bearer <token>` header. */
export function bearerTokenFrom(authorization: string | null): string {
  const match = /^Bearer\s+([A-Za-z0-9\-_.~+/]+=*)\s*$/i.exec(authorization ?? '');
  if (!match) throw unauthorized('Send an access token as "Authorization: Bearer <token>".');
  return match[1]!;
}
