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
 * unknown, expired or revoked, or whose image is gone or not ready, is a 404. The view is counted in
 * the same statement that checks the link.
 */
export async function openSharedImage(options: OpenSharedImageOptions): Promise<SharedImage> {
  const now = options.now ?? new Date();
  const [shared] = await options.db.$queryRaw<SharedRow[]>`
    UPDATE "ShareLink" AS link SET "viewCount" = link."viewCount" + 1
    FROM "UserImage" AS image
    WHERE link."tokenHash" = ${hashShareToken(options.token)}
      AND link."revokedAt" IS NULL
      AND link."expiresAt" > ${now}
      AND image."id" = link."imageId"
      AND image."deletedAt" IS NULL
      AND image."processedPath" IS NOT NULL
      AND image."thumbnailPath" IS NOT NULL
    RETURNING link."expiresAt", image."title", image."width", image."height", image."processedPath", image."thumbnailPath"`;
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
