import { randomBytes } from 'node:crypto';

/**
 * A collision-resistant, lower-case id in the cuid family: 'c', the time in base 36 (so ids of one
 * period sort together in indexes) and 80 random bits. It names blobs, so it is made by the server.
 */
export function newImageId(now = Date.now()): string {
  const random = BigInt(`0x${randomBytes(10).toString('hex')}`)
    .toString(36)
    .padStart(16, '0');
  return `c${now.toString(36).padStart(9, '0')}${random}`;
}
