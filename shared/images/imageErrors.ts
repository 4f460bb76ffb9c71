/**
 * Why an image ended as `failed` (its `error.code`). The first five are verdicts on the uploaded bytes;
 * the original is deleted and its bytes released. `processing_failed` keeps the original for a retry.
 */
export const UPLOAD_REJECTION_CODES = ['not_an_image', 'unsupported_type', 'size_mismatch', 'too_many_pixels', 'corrupt_image'] as const;
export type UploadRejectionCode = (typeof UPLOAD_REJECTION_CODES)[number];

export const PROCESSING_FAILED = 'processing_failed';

/** The reconciliation found the original gone (and the image could not be made again from it). */
export const ORIGINAL_MISSING = 'original_missing';
