import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../errors.js';
import { imageIdSchema } from '../images/imageSchemas.js';
import type { GalleryPosition } from './encodeGalleryCursor.js';
import { galleryCursorSignature } from './galleryCursorSignature.js';

const positionSchema = z.tuple([z.number().int().min(0).max(8.64e15), imageIdSchema]);

/** The position in a cursor made by `encodeGalleryCursor` for this very scope; anything else is refused. */
export function decodeGalleryCursor(secret: string, scopeKey: string, cursor: string): GalleryPosition {
  const [payload, signature, ...rest] = cursor.split('.');
  if (payload && signature && rest.length === 0) {
    const expected = galleryCursorSignature(secret, scopeKey, payload);
    const given = Buffer.from(signature, 'base64url');
    if (given.length === expected.length && timingSafeEqual(given, expected)) {
      const position = positionSchema.safeParse(parseJson(Buffer.from(payload, 'base64url').toString('utf8')));
      if (position.success) return { at: new Date(position.data[0]), id: position.data[1] };
    }
  }
  throw new AppError('invalid_request', 'This cursor does not belong to this query. Ask for the first page again without a cursor.', {
    details: [{ field: 'cursor', message: 'not a cursor issued for this user, sort and filters' }],
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
