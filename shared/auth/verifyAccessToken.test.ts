import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { signLocalToken } from './signLocalToken.js';
import { bearerTokenFrom, verifyAccessToken } from './verifyAccessToken.js';

const secret = 'a-test-secret-that-is-long-enough-for-hs256';
const settings = { jwtSecret: secret };

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('verifyAccessToken with HS256', () => {
  it('accepts a good token and returns the identity', async () => {
    const token = await signLocalToken({ userId: 'alice', secret, email: 'alice@example.com', name: 'Alice' });
    expect(await verifyAccessToken(token, settings)).toEqual({ userId: 'alice', email: 'alice@example.com', name: 'Alice' });
  });

  it('refuses expired, wrongly signed, subject-less, exp-less and malformed tokens as unauthorized', async () => {
    const expired = await signLocalToken({ userId: 'alice', secret, expiresIn: Math.floor(Date.now() / 1000) - 3600 });
    const wrongKey = await signLocalToken({ userId: 'alice', secret: 'another-secret-that-is-also-long-enough' });
    const noSubject = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(secret));
    const noExpiry = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('alice').sign(new TextEncoder().encode(secret));
    const badSubject = await signLocalToken({ userId: 'alice/../bob', secret });
    for (const token of [expired, wrongKey, noSubject, noExpiry, badSubject, 'not.a.jwt', '']) {
      expect((await rejection(verifyAccessToken(token, settings))).code).toBe('unauthorized');
    }
    expect((await rejection(verifyAccessToken(expired, settings))).message).toMatch(/expired/);
  });

  it('checks issuer and audience when configured', async () => {
    const token = await signLocalToken({ userId: 'alice', secret, issuer: 'https://idp.example', audience: 'detour' });
    await expect(verifyAccessToken(token, { ...settings, issuer: 'https://idp.example', audience: 'detour' })).resolves.toMatchObject({
      userId: 'alice',
    });
    expect((await rejection(verifyAccessToken(token, { ...settings, audience: 'someone-else' }))).code).toBe('unauthorized');
  });

  it('refuses unsigned (alg: none) tokens', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
    const body = Buffer.from(JSON.stringify({ sub: 'alice', exp: Math.floor(Date.now() / 1000) + 60 })).toString('base64url');
    expect((await rejection(verifyAccessToken(`${header}.${body}.`, settings))).code).toBe('unauthorized');
  });
});

describe('verifyAccessToken with a JWKS', () => {
  let server: Server;
  let jwksUrl: string;
  let privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256');
    privateKey = pair.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    server = createServer((_request, response) => {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('accepts a token signed by a key of the set and refuses an HS256 one', async () => {
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setSubject('auth0|123')
      .setExpirationTime('5m')
      .sign(privateKey);
    expect(await verifyAccessToken(token, { jwksUrl })).toMatchObject({ userId: 'auth0|123' });
    const symmetric = await signLocalToken({ userId: 'alice', secret });
    expect((await rejection(verifyAccessToken(symmetric, { jwksUrl, jwtSecret: secret }))).code).toBe('unauthorized');
  });
});

describe('bearerTokenFrom', () => {
  it('reads the token of a Bearer header and refuses anything else', () => {
    expect(bearerTokenFrom('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(() => bearerTokenFrom(null)).toThrow(AppError);
    expect(() => bearerTokenFrom('Basic dXNlcjpwYXNz')).toThrow(AppError);
    expect(() => bearerTokenFrom('Bearer ')).toThrow(AppError);
  });
});
