import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Short-lived proofs a share page carries on its next requests, HMAC-signed with `CURSOR_SECRET` (under
 * their own label, so no gallery cursor can pass for one):
 * - `unlock`: the link's password was given (`POST /api/shared/{token}/access`); opens the page data.
 * - `view`: a page view was let in (and counted); opens the preview and the download.
 * A grant names no link: its signature covers the link's id, which only the server knows (from the token),
 * so it works for that link alone and shows nothing. It travels as the `access` query parameter rather
 * than a cookie: an `<img src>` and a download link carry it with no cookie rules across the page's and the
 * API's origins (they differ locally), it never rides along on other requests, and the page sends no
 * Referer (`no-referrer`), so it leaks no further than the token in the same URL.
 */
export type ShareGrantKind = 'unlock' | 'view';

export interface ShareGrant {
  value: string;
  expiresAt: Date;
}

function signature(secret: string, linkId: string, kind: ShareGrantKind, expiresAtSeconds: number): Buffer {
  return createHmac('sha256', secret).update(`detour.share-grant.v1\n${linkId}\n${kind}\n${expiresAtSeconds}`).digest();
}

/** A grant valid for `ttlSeconds`, never past `notAfter` (the link's own expiry). */
export function signShareGrant(
  secret: string,
  linkId: string,
  kind: ShareGrantKind,
  ttlSeconds: number,
  notAfter: Date,
  now: Date,
): ShareGrant {
  const expiresAtSeconds = Math.floor(Math.min(now.getTime() + ttlSeconds * 1000, notAfter.getTime()) / 1000);
  return {
    value: `${expiresAtSeconds}.${signature(secret, linkId, kind, expiresAtSeconds).toString('base64url')}`,
    expiresAt: new Date(expiresAtSeconds * 1000),
  };
}

export function isValidShareGrant(secret: string, linkId: string, kind: ShareGrantKind, grant: string | undefined, now: Date): boolean {
  const [expiry, signed, ...rest] = (grant ?? '').split('.');
  if (!expiry || !signed || rest.length > 0 || !/^\d{1,12}$/.test(expiry)) return false;
  const expiresAtSeconds = Number(expiry);
  if (expiresAtSeconds * 1000 <= now.getTime()) return false;
  const expected = signature(secret, linkId, kind, expiresAtSeconds);
  const given = Buffer.from(signed, 'base64url');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
