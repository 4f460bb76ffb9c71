import type { UserImage } from '../db/index.js';
import { safeFileStem } from '../images/safeFileStem.js';

/**
 * The name of an image's file inside a ZIP: its title in safe characters, its id (which makes the
 * name unique within the archive) and, when both variants are asked for, which one. Flat: no folders.
 */
export function zipEntryName(image: Pick<UserImage, 'id' | 'title'>, extension: string, variantSuffix?: string): string {
  return `${safeFileStem(image.title)}_${image.id}${variantSuffix ? `_${variantSuffix}` : ''}.${extension}`;
}
