import { Prisma, type UserImage } from './generated/client.js';

/**
 * Every field of UserImage, for raw SQL that reads whole image rows (the gallery's keyset page). Columns
 * are the fields in snake_case (schema.prisma maps each one so); each is selected under its field's name,
 * so the rows are UserImage objects. The record's type makes the compiler ask for every field the
 * model has, so a new column cannot be left out of the page.
 */
const USER_IMAGE_FIELDS: Record<keyof UserImage, true> = {
  id: true,
  userId: true,
  title: true,
  status: true,
  errorCode: true,
  errorMessage: true,
  originalName: true,
  fileType: true,
  fileSize: true,
  width: true,
  height: true,
  originalPath: true,
  processedPath: true,
  thumbnailPath: true,
  previewPath: true,
  processedSize: true,
  thumbnailSize: true,
  previewSize: true,
  storageBytes: true,
  processingTime: true,
  quality: true,
  tags: true,
  isFavorite: true,
  isPublic: true,
  uploadExpiresAt: true,
  processingStartedAt: true,
  processedAt: true,
  deletedAt: true,
  trashedAt: true,
  createdAt: true,
  updatedAt: true,
  sha256: true,
  duplicateOf: true,
};

/** The column of a field: `userId` → `user_id`. */
export function columnOf(field: string): string {
  return field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/** `id, user_id AS "userId", …`: the select list of a whole UserImage. */
export const USER_IMAGE_COLUMNS = Prisma.raw(
  Object.keys(USER_IMAGE_FIELDS)
    .map((field) => (columnOf(field) === field ? field : `${columnOf(field)} AS "${field}"`))
    .join(', '),
);
