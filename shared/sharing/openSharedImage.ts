import type { Database } from '../db/index.js';
import { AppError } from '../errors.js';
import { findSharedLink, sharedLinkNotFound } from './findSharedLink.js';
import { isValidShareGrant, signShareGrant } from './shareAccessGrant.js';
import { shareLinkStatus } from './shareLinkStatus.js';
import type { SharedImage } from './shareSchemas.js';

export interface OpenSharedImageOptions {
  db: Database;
  /** Signs and checks access grants (`CURSOR_SECRET`). */
  secret: string;
  token: string;
  /** The `unlock` grant of a password-protected link. */
  access?: string;
  /** Whether this request is a view to count: not a HEAD, not a link-preview bot (linkPreviewBots.ts). */
  counted: boolean;
  now?: Date;
}

/** How long the preview and download URLs of one page view work. */
const VIEW_GRANT_SECONDS = 15 * 60;

/**
 * `GET /api/shared/{token}` (no sign-in): what the share page shows, and the URLs of its bytes. This is
 * the one place a view is counted — one per page-data fetch by a person (a reload is a view; the
 * preview and the download a view opens are not). The count is checked and raised in one statement,
 * so two visitors can never both take the last of `maxViews`; a link with none left is a 404 like a
 * revoked one. The byte URLs carry a `view` grant: they work for this view's 15 minutes, even after it
 * took the last allowed view, and stop at once on revocation or expiry (openSharedFile.ts).
 */
export async function openSharedImage(options: OpenSharedImageOptions): Promise<SharedImage> {
  const now = options.now ?? new Date();
  const link = await findSharedLink(options.db, options.token);
  if (shareLinkStatus(link, now) !== 'active') throw sharedLinkNotFound();
  if (link.passwordHash !== null && !isValidShareGrant(options.secret, link.id, 'unlock', options.access, now)) {
    throw new AppError('password_required', 'This link needs its password.');
  }
  if (options.counted) {
    const counted = await options.db.$executeRaw`
      UPDATE share_links SET view_count = view_count + 1, last_accessed_at = ${now}
      WHERE id = ${link.id} AND revoked_at IS NULL AND expires_at > ${now}
        AND (max_views IS NULL OR view_count < max_views)`;
    if (counted === 0) throw sharedLinkNotFound();
  }
  const grant = signShareGrant(options.secret, link.id, 'view', VIEW_GRANT_SECONDS, link.expiresAt, now);
  const base = `/api/shared/${encodeURIComponent(options.token)}`;
  const query = `?access=${encodeURIComponent(grant.value)}`;
  return {
    title: link.title,
    expiresAt: link.expiresAt.toISOString(),
    allowDownload: link.allowDownload,
    urls: { preview: `${base}/preview${query}`, download: link.allowDownload ? `${base}/download${query}` : null },
    urlsExpireAt: grant.expiresAt.toISOString(),
  };
}
