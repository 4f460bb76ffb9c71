import type { ImageResource } from './apiTypes.js';

/** Links that expire sooner than this are replaced by the fresher ones of a newer answer. */
const RENEW_BEFORE_EXPIRY_MS = 5 * 60_000;

function blobOf(url: string | null): string | null {
  if (url === null) return null;
  const { origin, pathname } = new URL(url);
  return `${origin}${pathname}`;
}

/**
 * The newer state of an image, keeping the read links the page already shows while they name the same
 * blobs and stay valid a while: the API hands out new links when its signing window moves on (every
 * 15 minutes), and a new `src` makes the browser download the picture again.
 */
export function withStableLinks(previous: ImageResource, next: ImageResource, now = Date.now()): ImageResource {
  const variants = ['original', 'processed', 'thumbnail', 'preview'] as const;
  const sameBlobs = variants.every((variant) => blobOf(previous.urls[variant]) === blobOf(next.urls[variant]));
  const stillValid = Date.parse(previous.urlsExpireAt) - now > RENEW_BEFORE_EXPIRY_MS;
  return sameBlobs && stillValid ? { ...next, urls: previous.urls, urlsExpireAt: previous.urlsExpireAt } : next;
}
