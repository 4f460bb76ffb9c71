import type { Config } from '../config.js';
import type { Database, UserImage } from '../db/index.js';
import { AppError } from '../errors.js';
import { IN_GALLERY } from '../images/imagePlaces.js';
import { newImageId } from '../images/newImageId.js';
import type { EventLog } from '../observability/eventLog.js';
import { reserveQuota } from '../quota/quotaLedger.js';
import { reportQuotaCrossings } from '../quota/reportQuotaCrossings.js';
import { intakeBlob, originalBlob, type AllowedContentType } from '../storage/blobPaths.js';
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
  /** Set when the request came with an API key: it has an upload rate limit of its own. */
  apiKeyId?: string;
  request: UploadRequest;
  now?: Date;
}

export type RequestedUpload =
  | { image: UserImage; contentType: AllowedContentType; upload: SignedUrl; duplicateOf?: undefined }
  /** The owner already has an image of these bytes: no row, no reservation, no link. */
  | { duplicateOf: UserImage };

/** The states in which an image of the same bytes makes a new upload a duplicate: done or on its way. */
const DUPLICATE_STATES = ['ready', 'queued', 'processing'] as const;

/**
 * `POST /api/uploads`: checks the declared file, counts the request against the rate limit, reserves
 * the declared bytes and one image against the quota in the transaction that creates the
 * `pending_upload` row, and signs a create-only link for exactly that row's intake blob. With a `sha256`
 * hint that matches one of the caller's own images that is ready or on its way, it answers with that
 * image instead (unless `allowDuplicate`); the lookup is scoped to the caller, so another user's images
 * change nothing, not even which queries run.
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
  await consumeUploadAllowance({
    db,
    userId,
    perMinute: config.limits.uploadsPerMinute,
    apiKey: options.apiKeyId === undefined ? undefined : { id: options.apiKeyId, perMinute: config.limits.uploadsPerMinutePerApiKey },
    now,
  });
  if (request.sha256 && !request.allowDuplicate) {
    const duplicateOf = await db.userImage.findFirst({
      where: { userId, sha256: request.sha256, status: { in: [...DUPLICATE_STATES] }, ...IN_GALLERY },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
    if (duplicateOf) return { duplicateOf };
  }

  const imageId = newImageId(now.getTime());
  // The declared type names the original until the check finds the real one.
  const original = originalBlob(userId, imageId, contentType);
  const uploadExpiresAt = new Date(now.getTime() + config.sas.uploadTtlMinutes * 60_000);
  const size = BigInt(request.size);

  const { image, quotaCrossings } = await db.$transaction(async (tx) => {
    const quotaCrossings = await reserveQuota(tx, { userId, bytes: size });
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
    return { image, quotaCrossings };
  });
  reportQuotaCrossings(options.log, quotaCrossings);

  const upload = await options.blobs.createUploadUrl(intakeBlob(userId, imageId), config.sas.uploadTtlMinutes, now);
  return { image, contentType, upload };
}
