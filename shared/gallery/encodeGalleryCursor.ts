import { galleryCursorSignature } from './galleryCursorSignature.js';

/**
 * Where a page ended: the sort key of its last image — when it was created (the gallery) or trashed
 * (the trash) — and its id, which breaks ties.
 */
export interface GalleryPosition {
  at: Date;
  id: string;
}

/**
 * An opaque cursor: `base64url(position).base64url(hmac)`. The signature covers the scope (the user, the
 * listing, its sort and filters: `scopeKey`) as well as the position, so a cursor cannot be forged,
 * edited or replayed elsewhere.
 */
export function encodeGalleryCursor(secret: string, scopeKey: string, position: GalleryPosition): string {
  const payload = Buffer.from(JSON.stringify([position.at.getTime(), position.id])).toString('base64url');
  return `${payload}.${galleryCursorSignature(secret, scopeKey, payload).toString('base64url')}`;
}
