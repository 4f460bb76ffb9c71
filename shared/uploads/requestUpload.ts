import type { Config } from '../config.js';
import type { Database, UserImage } from '../db/index.js';
import { AppError } from '../errors.js';
import { newImageId } from '../images/newImageId.js';
import type { EventLog } from '../observability/eventLog.js';
import { reportQuotaCrossings } from '../quota/reportQuotaCrossings.js';
import { originalBlob, type AllowedContentType } from '../storage/blobPaths.js';
import type { BlobStore, SignedUrl } from '../storage/blobStore.js';
import { acceptedContentType } from './acceptedContentType.js';
import { consumeUploadAllowance } from './consumeUploadAllowance.js';
import { sanitizeFileName } from './sanitizeFileName.js';
import type { UploadRequest } from './uploadRequestSchema.js';

export interface RequestUploadOptions {
  db: Database;
  blobs: BlobStore;
  config: { limits: Config['limits']; sas: Pick<Config['sas'], 'uploadTtlMinutes'> };
  log: EventLog;
  userId: string;
  request: UploadRequest;
  now?: Date;
}

export interface RequestedUpload {
  image: UserImage;
  contentType: AllowedContentType;
  upload: SignedUrl;
}

interface QuotaRow {
  storageUsed: bigint;
  storageLimit: bigint;
  imageCount: number;
  imageLimit: number;
}

/**
 * `POST /api/uploads`: checks the declared file, counts the request against the rate limit, reserves
 * the declared bytes and one image against the quota in the transaction that creates the
 * `pending_upload` row, and signs a write-only link for exactly that row's blob.
 */
export async function requestUpload(options: RequestUploadOptions): Promise<RequestedUpload> {
  const { db, config, request, userId } = options;
  const now = options.now ?? new Date();
  const contentType = acceptedContentType(request.contentType);
  if (request.size > config.limits.maxUploadBytes) {
    throw new AppError('payload_too_large', `The file is ${request.size} bytes; the limit is ${config.limits.maxUploadBytes} bytes.`, {
      details: { size: request.size, maxUploadBytes: config.limits.maxUploadBytes },
    });
  }
  await consumeUploadAllowance({ db, userId, perMinute: config.limits.uploadsPerMinute, now });

  const imageId = newImageId(now.getTime());
  const original = originalBlob(userId, imageId, contentType);
  const uploadExpiresAt = new Date(now.getTime() + config.sas.uploadTtlMinutes * 60_000);
  const size = BigInt(request.size);

  const { image, quota } = await db.$transaction(async (tx) => {
    // Locking the user's row, then their quota's, serialises concurrent reservations of one user. Every
    // writer takes them in this order (image, then user, then quota), so none can deadlock another.
    await tx.$queryRaw`SELECT 1 FROM "User" WHERE "id" = ${userId} FOR UPDATE`;
    const [quota] = await tx.$queryRaw<QuotaRow[]>`
      SELECT u."storageUsed", q."storageLimit", q."imageCount", q."imageLimit"
      FROM "StorageQuota" q JOIN "User" u ON u."id" = q."userId"
      WHERE q."userId" = ${userId}
      FOR UPDATE OF q`;
    if (!quota) throw new Error(`User ${userId} has no quota row.`);
    if (quota.imageCount + 1 > quota.imageLimit) {
      throw new AppError('quota_exceeded', `You have reached your limit of ${quota.imageLimit} images. Delete some to upload more.`, {
        details: { limit: 'images', imageCount: quota.imageCount, imageLimit: quota.imageLimit },
      });
    }
    if (quota.storageUsed + size > quota.storageLimit) {
      throw new AppError(
        'quota_exceeded',
        `This upload needs ${size} bytes but only ${quota.storageLimit - quota.storageUsed} of your ${quota.storageLimit} bytes are free.`,
        {
          details: {
            limit: 'storage',
            storageUsed: Number(quota.storageUsed),
            storageLimit: Number(quota.storageLimit),
            size: request.size,
          },
        },
      );
    }
    await tx.user.update({ where: { id: userId }, data: { storageUsed: { increment: size } } });
    await tx.storageQuota.update({ where: { userId }, data: { imageCount: { increment: 1 } } });
    const image = await tx.userImage.create({
      data: {
        id: imageId,
        userId,
        title: request.title,
        originalName: sanitizeFileName(request.fileName),
        fileType: contentType,
        fileSize: size,
        originalPath: original.name,
        storageBytes: size,
        tags: request.tags ?? [],
        uploadExpiresAt,
        createdAt: now,
      },
    });
    return { image, quota };
  });

  reportQuotaCrossings(options.log, {
    userId,
    limit: 'storage',
    before: Number(quota.storageUsed),
    after: Number(quota.storageUsed + size),
    max: Number(quota.storageLimit),
  });
  reportQuotaCrossings(options.log, {
    userId,
    limit: 'images',
    before: quota.imageCount,
    after: quota.imageCount + 1,
    max: quota.imageLimit,
  });

  const upload = await options.blobs.createUploadUrl(original, config.sas.uploadTtlMinutes, now);
  return { image, contentType, upload };
}
