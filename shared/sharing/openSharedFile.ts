import type { Readable } from 'node:stream';
import type { Database } from '../db/index.js';
import { AppError } from '../errors.js';
import { safeFileStem } from '../images/safeFileStem.js';
import { CONTAINERS, servedContentType } from '../storage/blobPaths.js';
import type { BlobStore } from '../storage/blobStore.js';
import { findSharedLink, sharedLinkNotFound } from './findSharedLink.js';
import { isValidShareGrant } from './shareAccessGrant.js';
import { shareLinkStatus } from './shareLinkStatus.js';

type SharedFileKind = 'preview' | 'download';

export interface OpenSharedFileOptions {
  db: Database;
  blobs: BlobStore;
  secret: string;
  token: string;
  kind: SharedFileKind;
  /** The `view` grant from the page data. */
  access?: string;
  /** Whether to count a download: a GET by a person (not HEAD, not a link-preview bot). */
  counted: boolean;
  /** False for a HEAD: everything is checked, no bytes are read. */
  withBody: boolean;
  now?: Date;
}

export interface SharedFile {
  contentType: string;
  /** A safe name made from the title (never the uploaded file's name), for a download. */
  attachmentName?: string;
  body?: Readable;
}

/**
 * `GET /api/shared/{token}/preview` and `/download` (no sign-in): the bytes go through the API, never a
 * storage URL, so no blob path (owner id, image id) is shown and a revocation stops them at once. The link
 * is read on every request; a revoked or expired one is a 404 even with a grant. A used-up link still
 * serves the view that used it up (its grant is proof the view was allowed). The preview is the
 * ≤ 1600 px WebP (the cut-out PNG for an image made before previews existed); the download is the PNG
 * cut-out, only when the owner allowed it. Streamed from storage, never held in memory.
 */
export async function openSharedFile(options: OpenSharedFileOptions): Promise<SharedFile> {
  const now = options.now ?? new Date();
  const link = await findSharedLink(options.db, options.token);
  const status = shareLinkStatus(link, now);
  if (status === 'revoked' || status === 'expired') throw sharedLinkNotFound();
  if (!isValidShareGrant(options.secret, link.id, 'view', options.access, now)) {
    throw new AppError('access_required', 'This file link has expired: open the share page again.');
  }
  const location =
    options.kind === 'preview' && link.previewPath !== null
      ? { container: CONTAINERS.previews, name: link.previewPath }
      : { container: CONTAINERS.processed, name: link.processedPath };
  if (options.kind === 'download') {
    if (!link.allowDownload) throw new AppError('download_not_allowed', 'The owner of this link does not allow downloads.');
    if (options.counted) {
      await options.db.shareLink.update({ where: { id: link.id }, data: { downloadCount: { increment: 1 }, lastAccessedAt: now } });
    }
  }
  return {
    contentType: servedContentType(location).contentType,
    attachmentName: options.kind === 'download' ? `${safeFileStem(link.title)}.png` : undefined,
    body: options.withBody ? await options.blobs.openReadStream(location) : undefined,
  };
}
