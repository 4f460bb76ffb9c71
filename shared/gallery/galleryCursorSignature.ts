import { createHmac } from 'node:crypto';
import { galleryScopeKey, type GalleryScope } from './galleryScope.js';

/** The HMAC-SHA256 that binds a cursor's position to the scope it was issued for. */
export function galleryCursorSignature(secret: string, scope: GalleryScope, position: string): Buffer {
  return createHmac('sha256', secret)
    .update(`detour.gallery-cursor.v1\n${galleryScopeKey(scope)}\n${position}`)
    .digest();
}
