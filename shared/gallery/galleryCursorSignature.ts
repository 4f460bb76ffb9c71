import { createHmac } from 'node:crypto';

/**
 * The HMAC-SHA256 that binds a cursor's position to the scope it was issued for: `scopeKey` is one
 * canonical string per listing, user and filter set (`galleryScopeKey`, `trashScopeKey`).
 */
export function galleryCursorSignature(secret: string, scopeKey: string, position: string): Buffer {
  return createHmac('sha256', secret).update(`detour.gallery-cursor.v1\n${scopeKey}\n${position}`).digest();
}
