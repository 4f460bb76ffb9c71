import type { ImageStatus } from './apiTypes.js';

/** What the person chose in the gallery's filter bar; empty values filter nothing. */
export interface GalleryFilters {
  sort: 'newest' | 'oldest';
  favoritesOnly: boolean;
  tags: string[];
  /** `YYYY-MM-DD`, as a date input gives it: from that day's start (UTC). */
  from: string;
  /** `YYYY-MM-DD`: up to that day's end (UTC). */
  to: string;
  q: string;
  status: ImageStatus | '';
}

export const NO_FILTERS: GalleryFilters = { sort: 'newest', favoritesOnly: false, tags: [], from: '', to: '', q: '', status: '' };

/** True when the filters can leave an image out (the sort alone leaves every image in). */
export function narrowsGallery(filters: GalleryFilters): boolean {
  return (
    filters.favoritesOnly ||
    filters.tags.length > 0 ||
    filters.from !== '' ||
    filters.to !== '' ||
    filters.q.trim() !== '' ||
    filters.status !== ''
  );
}

/** Tags typed as `a, b, c`, cleaned as the API cleans them: trimmed, lower-cased, de-duplicated. */
export function parseTagList(text: string): string[] {
  const tags = text
    .split(',')
    .map((tag) => tag.trim().toLowerCase())
    .filter((tag) => tag !== '');
  return [...new Set(tags)];
}

/** The filter parameters as docs/api.md names them (as `GET /api/gallery` and `POST /api/exports` take them); only those set. */
export function galleryFilterFields(filters: GalleryFilters): Record<string, string> {
  const fields: Record<string, string> = {};
  if (filters.favoritesOnly) fields.favorite = 'true';
  if (filters.tags.length > 0) fields.tags = filters.tags.join(',');
  if (filters.from) fields.from = filters.from;
  if (filters.to) fields.to = filters.to;
  if (filters.q.trim()) fields.q = filters.q.trim();
  if (filters.status) fields.status = filters.status;
  return fields;
}

/** The query string of `GET /api/gallery` for these filters (docs/api.md names). */
export function galleryQueryString(filters: GalleryFilters, page: { cursor?: string; limit: number }): string {
  const query = new URLSearchParams({ limit: String(page.limit), sort: filters.sort });
  if (page.cursor) query.set('cursor', page.cursor);
  for (const [name, value] of Object.entries(galleryFilterFields(filters))) query.set(name, value);
  return query.toString();
}
