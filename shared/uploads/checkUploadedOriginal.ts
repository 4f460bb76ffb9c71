import type { Database, UserImage } from '../db/index.js';
import type { UploadRejectionCode } from '../images/imageErrors.js';
import { acceptUpload, holdsImageSlot, rejectUpload } from '../images/imageLifecycle.js';
import { inspectImage, sniffImageType, SNIFF_BYTES, TooManyPixelsError, UndecodableImageError } from '../media/imageMedia.js';
import { failed, skipped, succeeded, type StepOutcome } from '../pipeline/pipelineContract.js';
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

/** `ok`: the image is `queued` (the caller enqueues it); `failed`: the bytes were rejected; `skipped`: nothing to do. */
export type OriginalCheckResult = StepOutcome<{ image: UserImage }>;

interface Rejection {
  code: UploadRejectionCode;
  message: string;
}

/**
 * The blob trigger's rule for a new blob in `originals/`: judge the bytes, not the name. A good file
 * moves its row to `queued` (the caller enqueues it); a bad one ends `failed` with a precise code, its
 * blob deleted and its reservation released. Blobs without a `pending_upload` row are skipped, so a
 * second delivery of the same blob changes nothing.
 */
export async function checkUploadedOriginal(options: CheckUploadedOriginalOptions): Promise<OriginalCheckResult> {
  const ids = parseOriginalBlobName(options.blobName);
  if (!ids) return skipped('not a blob name the product makes');
  const image = await options.db.userImage.findFirst({ where: { id: ids.imageId, userId: ids.userId, deletedAt: null } });
  if (!image) return skipped('no image row for this blob');
  if (image.originalPath !== options.blobName) return skipped('blob name does not match the row');
  const original = { container: CONTAINERS.originals, name: image.originalPath };
  if (image.status !== 'pending_upload') {
    if (!holdsImageSlot(image)) {
      // A redelivery after a rejection whose blob delete did not happen: finish the job.
      await options.blobs.delete(original);
    }
    return skipped(`image is already ${image.status}`);
  }

  const verdict = await judgeOriginal(options.content, Number(image.fileSize), options.maxInputPixels);
  if ('code' in verdict) {
    await rejectUpload(options.db, image, verdict);
    await options.blobs.delete(original);
    return failed(verdict.code, verdict.message);
  }

  const queued = await acceptUpload(options.db, image, { fileType: verdict.mime, width: verdict.width, height: verdict.height });
  if (!queued) return skipped('image changed while it was checked');
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
