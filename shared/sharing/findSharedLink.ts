import type { Database } from '../db/index.js';
import { AppError } from '../errors.js';
import { hashShareToken } from './hashShareToken.js';
import type { ShareLinkState } from './shareLinkStatus.js';

/** A link found by its token, with what a visitor may get of its image. */
export interface SharedLink extends ShareLinkState {
  id: string;
  allowDownload: boolean;
  passwordHash: string | null;
  title: string;
  processedPath: string;
  previewPath: string | null;
}

/**
 * Every public share route starts here, on every request: a link that is unknown, or whose image is
 * deleted, in the trash or not ready, is the same 404 (revoked, expired and used-up links are told apart by the caller,
 * which knows what it may still serve). Nothing is cached, so a revocation takes effect at once.
 */
export async function findSharedLink(db: Database, token: string): Promise<SharedLink> {
  const [link] = await db.$queryRaw<SharedLink[]>`
    SELECT link.id, link.expires_at AS "expiresAt", link.revoked_at AS "revokedAt", link.max_views AS "maxViews",
           link.view_count AS "viewCount", link.allow_download AS "allowDownload", link.password_hash AS "passwordHash",
           image.title, image.processed_path AS "processedPath", image.preview_path AS "previewPath"
    FROM share_links AS link
    JOIN user_images AS image ON image.id = link.image_id
    WHERE link.token_hash = ${hashShareToken(token)}
      AND image.deleted_at IS NULL
      AND image.trashed_at IS NULL
      AND image.status = 'ready'
      AND image.processed_path IS NOT NULL`;
  if (!link) throw sharedLinkNotFound();
  return link;
}

export function sharedLinkNotFound(): AppError {
  return new AppError('not_found', 'This share link does not exist, has expired, was used up or was revoked.');
}
