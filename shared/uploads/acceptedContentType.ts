import { AppError } from '../errors.js';
import { EXTENSION_BY_CONTENT_TYPE, type AllowedContentType } from '../storage/blobPaths.js';

const HEIC_TYPES = new Set(['image/heic', 'image/heif', 'image/heic-sequence', 'image/heif-sequence']);

/** The declared content type, normalised, if it is on the allow-list (JPEG, PNG, WebP, AVIF); else 415. */
export function acceptedContentType(declared: string): AllowedContentType {
  const contentType = declared.split(';')[0]!.trim().toLowerCase();
  const normalised = contentType === 'image/jpg' ? 'image/jpeg' : contentType;
  if (normalised in EXTENSION_BY_CONTENT_TYPE) return normalised as AllowedContentType;
  const allowed = Object.keys(EXTENSION_BY_CONTENT_TYPE).join(', ');
  if (HEIC_TYPES.has(normalised)) {
    throw new AppError(
      'unsupported_media_type',
      `HEIC/HEIF photos are not supported yet. Export the photo as JPEG (on iPhone: Settings › Camera › Formats › Most Compatible) and upload that. Allowed types: ${allowed}.`,
    );
  }
  throw new AppError('unsupported_media_type', `"${contentType}" is not an accepted image type. Allowed types: ${allowed}.`);
}
