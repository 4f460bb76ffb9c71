import { createHash, randomBytes } from 'node:crypto';

/** Every key starts with it, so a bearer token is told apart from a JWT (and a leaked key is recognisable). */
const API_KEY_PREFIX = 'dtr_';

/** 256 random bits, URL-safe (base64url, 43 characters). */
const SECRET_BYTES = 32;

export function newApiKey(): string {
  return `${API_KEY_PREFIX}${randomBytes(SECRET_BYTES).toString('base64url')}`;
}

export function looksLikeApiKey(token: string): boolean {
  return token.startsWith(API_KEY_PREFIX);
}

/**
 * Keys are stored as their SHA-256 only. A slow password hash (bcrypt, scrypt, argon2) protects
 * low-entropy secrets that a stolen table could be searched for; a 256-bit random key cannot be
 * searched for at any hashing speed, and a fast hash lets every request look its key up by an index.
 */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}
