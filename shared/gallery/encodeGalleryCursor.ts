import { galleryCursorSignature } from './galleryCursorSignature.js';
import type { GalleryScope } from './galleryScope.js';

/** Where a page ended: the sort key of its last image. */
export interface GalleryPosition {
  createdAt: Date;
  id: string;
}

/**
 * An opaque cursor: `base64url(position).base64url(hmac)`. The signature covers the user, the sort and
 * the filters as well as the position, so a cursor cannot be forged, edited or replayed elsewhere.
 */
export function encodeGalleryCursor(secret: string, scope: GalleryScope, position: GalleryPosition): string {
  const payload = Buffer.from(JSON.stringify([position.createdAt.getTime(), position.id])).toString('base64url');
  return `${payload}.${galleryCursorSignature(secret, scope, payload).toString('base64url')}`;
}
