import type { Database } from '../db/index.js';
import { AppError } from '../errors.js';
import { CONTAINERS } from '../storage/blobPaths.js';
import type { BlobStore } from '../storage/blobStore.js';
import { hashShareToken } from './hashShareToken.js';
import type { SharedImage } from './shareSchemas.js';

export interface OpenSharedImageOptions {
  db: Database;
  blobs: BlobStore;
  token: string;
  /** A visitor's links are short-lived: they may be copied, and the owner may revoke the share (`SHARE_SAS_TTL_MINUTES`). */
  ttlMinutes: number;
  now?: Date;
}

interface SharedRow {
  expiresAt: Date;
  title: string;
  width: number | null;
  height: number | null;
  processedPath: string;
  thumbnailPath: string;
}

/**
 * `GET /api/shared/{token}` (no sign-in): the shared image's cut-out and thumbnail. A link that is
 * unknown, expired or revoked, or whose image is gone, in the trash or not ready, is a 404. The view is counted in
 * the same statement that checks the link.
 */
export async function openSharedImage(options: OpenSharedImageOptions): Promise<SharedImage> {
  const now = options.now ?? new Date();
  const [shared] = await options.db.$queryRaw<SharedRow[]>`
    UPDATE share_links AS link SET view_count = link.view_count + 1
    FROM user_images AS image
    WHERE link.token_hash = ${hashShareToken(options.token)}
      AND link.revoked_at IS NULL
      AND link.expires_at > ${now}
      AND image.id = link.image_id
      AND image.deleted_at IS NULL
      AND image.trashed_at IS NULL
      AND image.processed_path IS NOT NULL
      AND image.thumbnail_path IS NOT NULL
    RETURNING link.expires_at AS "expiresAt", image.title, image.width, image.height,
              image.processed_path AS "processedPath", image.thumbnail_path AS "thumbnailPath"`;
  if (!shared) throw new AppError('not_found', 'This share link does not exist, has expired or was revoked.');

  const sign = (container: typeof CONTAINERS.processed | typeof CONTAINERS.thumbnails, name: string) =>
    options.blobs.createReadUrl({ container, name }, { ttlMinutes: options.ttlMinutes, notAfter: shared.expiresAt }, now);
  const [processed, thumbnail] = await Promise.all([
    sign(CONTAINERS.processed, shared.processedPath),
    sign(CONTAINERS.thumbnails, shared.thumbnailPath),
  ]);
  return {
    title: shared.title,
    dimensions: shared.width !== null && shared.height !== null ? { width: shared.width, height: shared.height } : null,
    urls: { processed: processed.url, thumbnail: thumbnail.url },
    expiresAt: shared.expiresAt.toISOString(),
  };
}
