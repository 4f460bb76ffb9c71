import { z } from 'zod';

/**
 * Every string a request carries (a title, a tag, a file name, a search) goes through this: control
 * characters (C0, DEL and C1, NUL included) are refused with 400 `invalid_request`, so none reaches
 * the database (PostgreSQL rejects NUL in text) or a file name, a log line or a header.
 */
export function plainText() {
  return z.string().regex(/^\P{Cc}*$/u, 'control characters are not allowed');
}
