import { randomBytes } from 'node:crypto';
import type { Database } from '../db/index.js';
import { AppError } from '../errors.js';
import { findOwnedImage } from '../images/findOwnedImage.js';
import { hashShareToken } from './hashShareToken.js';
import { hashSharePassword } from './sharePassword.js';
import type { ShareLinkRequest } from './shareSchemas.js';

export interface CreateShareLinkOptions {
  db: Database;
  userId: string;
  imageId: string;
  request: ShareLinkRequest;
  /** The public address of the web page and the API (`PUBLIC_BASE_URL`), which serves `/s/{token}`. */
  publicBaseUrl: string;
  now?: Date;
}

export interface CreatedShareLink {
  id: string;
  token: string;
  url: string;
  expiresAt: Date;
  allowDownload: boolean;
  hasPassword: boolean;
  maxViews: number | null;
}

/** 256 random bits: unguessable, so nobody finds a link by trying tokens. */
const TOKEN_BYTES = 32;

/** `POST /api/images/{id}/share`: a new link to one of the caller's ready images; its page is `/s/{token}`. */
export async function createShareLink(options: CreateShareLinkOptions): Promise<CreatedShareLink> {
  const image = await findOwnedImage(options.db, options.userId, options.imageId);
  if (image.status !== 'ready') {
    throw new AppError('conflict', `Only a ready image can be shared; this one is ${image.status}.`);
  }
  const { expiresInHours, password, allowDownload, maxViews } = options.request;
  const now = options.now ?? new Date();
  const token = randomBytes(TOKEN_BYTES).toString('base64url');
  const passwordHash = password === undefined ? null : await hashSharePassword(password);
  const link = await options.db.$transaction(async (tx) => {
    // The image row is locked and checked again with the insert: a link made while the image moves to
    // the trash is either refused here or revoked by that move (which locks the same row first).
    const [stillShareable] = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM user_images
      WHERE id = ${image.id} AND user_id = ${options.userId} AND status = 'ready' AND trashed_at IS NULL AND deleted_at IS NULL
      FOR SHARE`;
    if (!stillShareable) throw new AppError('not_found', `No image ${image.id} in your gallery.`);
    return tx.shareLink.create({
      data: {
        imageId: image.id,
        tokenHash: hashShareToken(token),
        expiresAt: new Date(now.getTime() + expiresInHours * 3_600_000),
        createdAt: now,
        allowDownload,
        maxViews: maxViews ?? null,
        passwordHash,
      },
    });
  });
  return {
    id: link.id,
    token,
    url: `${options.publicBaseUrl}/s/${token}`,
    expiresAt: link.expiresAt,
    allowDownload: link.allowDownload,
    hasPassword: link.passwordHash !== null,
    maxViews: link.maxViews,
  };
}
