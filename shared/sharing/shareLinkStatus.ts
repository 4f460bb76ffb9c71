/** What a share link is now, for its owner; only an `active` one opens for anyone. */
export type ShareLinkStatus = 'active' | 'expired' | 'revoked' | 'used_up';

export interface ShareLinkState {
  expiresAt: Date;
  revokedAt: Date | null;
  maxViews: number | null;
  viewCount: number;
}

/** The first that applies of revoked, expired, used up (every allowed view counted). */
export function shareLinkStatus(link: ShareLinkState, now: Date): ShareLinkStatus {
  if (link.revokedAt) return 'revoked';
  if (link.expiresAt.getTime() <= now.getTime()) return 'expired';
  if (link.maxViews !== null && link.viewCount >= link.maxViews) return 'used_up';
  return 'active';
}
