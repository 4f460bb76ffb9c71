import { randomBytes } from 'node:crypto';
import type { Database } from '../db/index.js';
import { AppError } from '../errors.js';
import { findOwnedImage } from '../images/findOwnedImage.js';
import { hashShareToken } from './hashShareToken.js';

export interface CreateShareLinkOptions {
  db: Database;
  userId: string;
  imageId: string;
  expiresInHours: number;
  /** The public address of the API, which serves `/api/shared/{token}`. */
  publicBaseUrl: string;
  now?: Date;
}

export interface CreatedShareLink {
  token: string;
  url: string;
  expiresAt: Date;
}

/** 256 random bits: unguessable, so the public route needs no rate limit against guessing. */
const TOKEN_BYTES = 32;

/** `POST /api/images/{id}/share`: a new link to one of the caller's ready images. */
export async function createShareLink(options: CreateShareLinkOptions): Promise<CreatedShareLink> {
  const image = await findOwnedImage(options.db, options.userId, options.imageId);
  if (image.status !== 'ready') {
    throw new AppError('conflict', `Only a ready image can be shared; this one is ${image.status}.`);
  }
  const now = options.now ?? new Date();
  const token = randomBytes(TOKEN_BYTES).toString('base64url');
  const expiresAt = new Date(now.getTime() + options.expiresInHours * 3_600_000);
  await options.db.shareLink.create({ data: { imageId: image.id, tokenHash: hashShareToken(token), expiresAt, createdAt: now } });
  return { token, url: `${options.publicBaseUrl}/api/shared/${token}`, expiresAt };
}
