import type { Database } from '../db/index.js';
import { AppError } from '../errors.js';
import { hashShareToken } from './hashShareToken.js';
import { signShareGrant, type ShareGrant } from './shareAccessGrant.js';
import { shareLinkStatus, type ShareLinkState } from './shareLinkStatus.js';
import { verifySharePassword } from './sharePassword.js';

export interface UnlockShareLinkOptions {
  db: Database;
  secret: string;
  token: string;
  password: string;
  now?: Date;
}

/** Password tries per link: at most this many in a window, wrong or right (a right one starts over). */
export const PASSWORD_ATTEMPTS_PER_WINDOW = 5;
export const PASSWORD_WINDOW_SECONDS = 15 * 60;
/** How long an unlocked page may load its data again without the password (reloads, a new view grant). */
const UNLOCK_GRANT_SECONDS = 60 * 60;

interface AttemptRow extends ShareLinkState {
  id: string;
  passwordHash: string | null;
  passwordAttempts: number;
  passwordWindowStartsAt: Date;
  imageAvailable: boolean;
}

function wrongPassword(): AppError {
  // One answer for a wrong password and for a link that does not exist or works no more: the reply
  // never tells whether there is a link behind the token.
  return new AppError('wrong_password', 'This password does not open this link.');
}

/**
 * `POST /api/shared/{token}/access` (no sign-in): the password of a protected link, for an `unlock` grant.
 * The try is counted before the password is checked, in the same statement that reads the link, so
 * parallel guesses cannot exceed the limit; over it, `too_many_attempts` until the window ends. Any link
 * row counts its tries (revoked and expired ones too, so they answer exactly like live ones); an
 * unknown token has no row and is refused after the same scrypt work against a dummy hash. A link
 * without a password is unlocked by any password (its page opens without one anyway).
 */
export async function unlockShareLink(options: UnlockShareLinkOptions): Promise<ShareGrant> {
  const now = options.now ?? new Date();
  const windowStart = new Date(now.getTime() - PASSWORD_WINDOW_SECONDS * 1000);
  const [link] = await options.db.$queryRaw<AttemptRow[]>`
    UPDATE share_links AS link SET
      password_attempts = CASE WHEN link.password_window_starts_at > ${windowStart} THEN link.password_attempts + 1 ELSE 1 END,
      password_window_starts_at = CASE WHEN link.password_window_starts_at > ${windowStart} THEN link.password_window_starts_at ELSE ${now} END
    FROM user_images AS image
    WHERE link.token_hash = ${hashShareToken(options.token)} AND image.id = link.image_id
    RETURNING link.id, link.expires_at AS "expiresAt", link.revoked_at AS "revokedAt", link.max_views AS "maxViews",
              link.view_count AS "viewCount", link.password_hash AS "passwordHash",
              link.password_attempts AS "passwordAttempts", link.password_window_starts_at AS "passwordWindowStartsAt",
              (image.deleted_at IS NULL AND image.trashed_at IS NULL AND image.status = 'ready' AND image.processed_path IS NOT NULL) AS "imageAvailable"`;
  if (link && link.passwordAttempts > PASSWORD_ATTEMPTS_PER_WINDOW) {
    const retryAfterMs = link.passwordWindowStartsAt.getTime() + PASSWORD_WINDOW_SECONDS * 1000 - now.getTime();
    throw new AppError('too_many_attempts', 'Too many password attempts for this link. Try again later.', {
      retryAfterSeconds: retryAfterMs / 1000,
    });
  }
  // The scrypt work is done for every try, so a link without a password (or no link) takes as long.
  const passwordMatches = await verifySharePassword(link?.passwordHash ?? null, options.password);
  const opens = link?.passwordHash ? passwordMatches : link !== undefined;
  if (!link || !opens || !link.imageAvailable || shareLinkStatus(link, now) !== 'active') throw wrongPassword();
  await options.db.shareLink.update({ where: { id: link.id }, data: { passwordAttempts: 0, passwordWindowStartsAt: null } });
  return signShareGrant(options.secret, link.id, 'unlock', UNLOCK_GRANT_SECONDS, link.expiresAt, now);
}
