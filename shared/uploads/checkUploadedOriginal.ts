import type { Database, UserImage } from '../db/index.js';
import type { UploadRejectionCode } from '../images/imageErrors.js';
import { inspectImage, sniffImageType, SNIFF_BYTES, TooManyPixelsError, UndecodableImageError } from '../media/imageMedia.js';
import { countsTowardImageLimit } from '../quota/releaseImageQuota.js';
import { CONTAINERS, EXTENSION_BY_CONTENT_TYPE, parseOriginalBlobName, type AllowedContentType } from '../storage/blobPaths.js';
import type { BlobStore } from '../storage/blobStore.js';

export interface CheckUploadedOriginalOptions {
  db: Database;
  blobs: BlobStore;
  maxInputPixels: number;
  /** The blob's name inside `originals/`. */
  blobName: string;
  content: Buffer;
}

export type OriginalCheckResult =
  | { outcome: 'queued'; image: UserImage }
  | { outcome: 'rejected'; image: UserImage; code: UploadRejectionCode; message: string }
  | { outcome: 'ignored'; reason: string; imageId?: string; userId?: string };

interface Rejection {
  code: UploadRejectionCode;
  message: string;
}

/**
 * The blob trigger's rule for a new blob in `originals/`: judge the bytes, not the name. A good file
 * moves its row to `queued` (the caller enqueues it); a bad one ends `failed` with a precise code, its
 * blob deleted and its reservation released. Blobs without a `pending_upload` row are ignored, so a
 * second delivery of the same blob changes nothing.
 */
export async function checkUploadedOriginal(options: CheckUploadedOriginalOptions): Promise<OriginalCheckResult> {
  const ids = parseOriginalBlobName(options.blobName);
  if (!ids) return { outcome: 'ignored', reason: 'not a blob name the product makes' };
  const image = await options.db.userImage.findFirst({ where: { id: ids.imageId, userId: ids.userId, deletedAt: null } });
  if (!image) return { outcome: 'ignored', reason: 'no image row for this blob', ...ids };
  if (image.originalPath !== options.blobName) return { outcome: 'ignored', reason: 'blob name does not match the row', ...ids };
  const original = { container: CONTAINERS.originals, name: image.originalPath };
  if (image.status !== 'pending_upload') {
    if (!countsTowardImageLimit(image)) {
      // A redelivery after a rejection whose blob delete did not happen: finish the job.
      await options.blobs.delete(original);
    }
    return { outcome: 'ignored', reason: `image is already ${image.status}`, ...ids };
  }

  const verdict = await judgeOriginal(options.content, Number(image.fileSize), options.maxInputPixels);
  if ('code' in verdict) {
    const rejected = await rejectUpload(options.db, image, verdict);
    await options.blobs.delete(original);
    return { outcome: 'rejected', image: rejected ?? image, ...verdict };
  }

  const updated = await options.db.userImage.updateManyAndReturn({
    where: { id: image.id, status: 'pending_upload' },
    data: { status: 'queued', fileType: verdict.mime, width: verdict.width, height: verdict.height, uploadExpiresAt: null },
  });
  if (updated.length === 0) return { outcome: 'ignored', reason: 'image changed while it was checked', ...ids };
  return { outcome: 'queued', image: updated[0]! };
}

async function judgeOriginal(
  content: Buffer,
  declaredSize: number,
  maxInputPixels: number,
): Promise<Rejection | { mime: AllowedContentType; width: number; height: number }> {
  const sniffed = await sniffImageType(content.subarray(0, SNIFF_BYTES));
  if (!sniffed) return { code: 'not_an_image', message: 'The file is not an image.' };
  if (!(sniffed.mime in EXTENSION_BY_CONTENT_TYPE)) {
    return { code: 'unsupported_type', message: `The file is ${sniffed.mime}; accepted types are JPEG, PNG, WebP and AVIF.` };
  }
  if (content.length !== declaredSize) {
    return { code: 'size_mismatch', message: `The file has ${content.length} bytes but ${declaredSize} were declared.` };
  }
  try {
    const { width, height } = await inspectImage(content, maxInputPixels);
    return { mime: sniffed.mime as AllowedContentType, width, height };
  } catch (error) {
    if (error instanceof TooManyPixelsError) return { code: 'too_many_pixels', message: error.message };
    if (error instanceof UndecodableImageError) return { code: 'corrupt_image', message: error.message };
    throw error;
  }
}

/** Marks the row failed and gives back its reservation, only if it is still pending (idempotent). */
async function rejectUpload(db: Database, image: UserImage, rejection: Rejection): Promise<UserImage | undefined> {
  return db.$transaction(async (tx) => {
    const [failed] = await tx.userImage.updateManyAndReturn({
      where: { id: image.id, status: 'pending_upload' },
      data: { status: 'failed', errorCode: rejection.code, errorMessage: rejection.message, storageBytes: 0n, uploadExpiresAt: null },
    });
    if (!failed) return undefined;
    await tx.user.update({ where: { id: image.userId }, data: { storageUsed: { decrement: image.storageBytes } } });
    if (!countsTowardImageLimit(failed)) {
      await tx.storageQuota.update({ where: { userId: image.userId }, data: { imageCount: { decrement: 1 } } });
    }
    return failed;
  });
}
