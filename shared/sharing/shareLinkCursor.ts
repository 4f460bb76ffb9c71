import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../errors.js';

/** Where a page of share links ended: the sort key of its last link. */
export interface ShareLinkPosition {
  createdAt: Date;
  id: string;
}

/** As the gallery's cursors: `base64url(position).base64url(hmac)`, the HMAC covering the user too. */
function signature(secret: string, userId: string, payload: string): Buffer {
  return createHmac('sha256', secret).update(`detour.share-links-cursor.v1\n${userId}\n${payload}`).digest();
}

export function encodeShareLinkCursor(secret: string, userId: string, position: ShareLinkPosition): string {
  const payload = Buffer.from(JSON.stringify([position.createdAt.getTime(), position.id])).toString('base64url');
  return `${payload}.${signature(secret, userId, payload).toString('base64url')}`;
}

const positionSchema = z.tuple([z.number().int().min(0).max(8.64e15), z.string().regex(/^[a-z0-9]{20,40}$/)]);

/** The position in a cursor made by `encodeShareLinkCursor` for this user; anything else is refused. */
export function decodeShareLinkCursor(secret: string, userId: string, cursor: string): ShareLinkPosition {
  const [payload, signed, ...rest] = cursor.split('.');
  if (payload && signed && rest.length === 0) {
    const expected = signature(secret, userId, payload);
    const given = Buffer.from(signed, 'base64url');
    if (given.length === expected.length && timingSafeEqual(given, expected)) {
      let decoded: unknown;
      try {
        decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
      } catch {
        decoded = undefined;
      }
      const position = positionSchema.safeParse(decoded);
      if (position.success) return { createdAt: new Date(position.data[0]), id: position.data[1] };
    }
  }
  throw new AppError('invalid_request', 'This cursor was not issued for your share links. Ask for the first page again without one.', {
    details: [{ field: 'cursor', message: 'not a cursor issued for this user' }],
  });
}
