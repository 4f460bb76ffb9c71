import { createHash } from 'node:crypto';
import type { Database, UserImage } from '../db/index.js';
import type { UploadRejectionCode } from '../images/imageErrors.js';
import { acceptUpload, rejectUpload } from '../images/imageLifecycle.js';
import { inspectImage, sniffImageType, SNIFF_BYTES, TooManyPixelsError, UndecodableImageError } from '../media/imageMedia.js';
import { failed, skipped, succeeded, type StepOutcome } from '../pipeline/pipelineContract.js';
import { CONTAINERS, EXTENSION_BY_CONTENT_TYPE, originalBlob, parseBlobName, type AllowedContentType } from '../storage/blobPaths.js';
import type { BlobStore } from '../storage/blobStore.js';

export interface CheckUploadedOriginalOptions {
  db: Database;
  blobs: BlobStore;
  maxInputPixels: number;
  /** The blob's name inside `uploads/`, the intake. */
  blobName: string;
  /** The intake blob's bytes, read once: what is judged is what is stored. */
  content: Buffer;
}

/** `ok`: the image is `queued` (the caller enqueues it); `failed`: the bytes were rejected; `skipped`: nothing to do. */
export type OriginalCheckResult = StepOutcome<{ image: UserImage }>;

interface Rejection {
  code: UploadRejectionCode;
  message: string;
}

/**
 * The blob trigger's rule for a new blob in `uploads/`: judge the bytes, not the name. A good file is
 * stored in `originals/` under the extension and content type of the type found (never the declared
 * one) and its row moves to `queued` (the caller enqueues it); a bad one ends `failed` with a precise
 * code and its reservation released. Either way the intake blob is deleted. An intake blob without a
 * `pending_upload` row (a second delivery, a write with the upload link after the check or after a
 * deletion) is deleted unread: nothing written with an upload link is ever kept or served.
 */
export async function checkUploadedOriginal(options: CheckUploadedOriginalOptions): Promise<OriginalCheckResult> {
  const intake = { container: CONTAINERS.uploads, name: options.blobName };
  const ids = parseBlobName(intake);
  if (!ids) {
    await options.blobs.delete(intake);
    return skipped('not a blob name the product makes');
  }
  const image = await options.db.userImage.findFirst({ where: { id: ids.imageId, userId: ids.userId, deletedAt: null } });
  if (image?.status !== 'pending_upload') {
    await options.blobs.delete(intake);
    return skipped(image ? `image is already ${image.status}` : 'no image row for this blob');
  }

  const verdict = await judgeOriginal(options.content, Number(image.fileSize), options.maxInputPixels);
  if ('code' in verdict) {
    await rejectUpload(options.db, image, verdict);
    await options.blobs.delete(intake);
    return failed(verdict.code, verdict.message);
  }

  const original = originalBlob(image.userId, image.id, verdict.mime);
  if (!(await options.blobs.createOnce(original, options.content, verdict.mime))) {
    // Other checked bytes of this upload were stored first (on Azure an intake blob cannot be rewritten,
    // but it can be created again after its deletion): that check settles the row.
    await options.blobs.delete(intake);
    return skipped('another upload of this image was stored first');
  }
  const queued = await acceptUpload(options.db, image, {
    fileType: verdict.mime,
    width: verdict.width,
    height: verdict.height,
    originalPath: original.name,
    // Hashed from the buffer that was judged and stored: no second read of the blob.
    sha256: createHash('sha256').update(options.content).digest('hex'),
  });
  if (!queued) {
    const now = await options.db.userImage.findFirst({ where: { id: image.id, userId: image.userId, deletedAt: null } });
    if (now?.originalPath !== original.name) await options.blobs.delete(original);
    await options.blobs.delete(intake);
    return skipped('image changed while it was checked');
  }
  await options.blobs.delete(intake);
  return succeeded({ image: queued });
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
