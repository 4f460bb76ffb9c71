import { createHash } from 'node:crypto';

/** Share tokens are stored as their SHA-256 only: a leaked table gives no working link. */
export function hashShareToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
