import type { HttpRequest } from '@azure/functions';
import { isLinkPreviewBot } from './linkPreviewBots.js';

/**
 * Headers of every public share reply: never stored by a cache (a revocation must stop the next request,
 * so nothing may be answered from a copy), no Referer sent on from the URL that carries the token, and
 * no search engine indexing it.
 */
export const PUBLIC_SHARE_HEADERS = {
  'cache-control': 'private, no-store',
  'referrer-policy': 'no-referrer',
  'x-robots-tag': 'noindex, nofollow',
} as const;

/** Whether a public share request counts as a person looking: not a HEAD, not a link-preview bot. */
export function isCountedRequest(request: HttpRequest): boolean {
  return request.method !== 'HEAD' && !isLinkPreviewBot(request.headers.get('user-agent'));
}
