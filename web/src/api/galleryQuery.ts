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

/** The query string of `GET /api/gallery` for these filters (docs/api.md names). */
export function galleryQueryString(filters: GalleryFilters, page: { cursor?: string; limit: number }): string {
  const query = new URLSearchParams({ limit: String(page.limit), sort: filters.sort });
  if (page.cursor) query.set('cursor', page.cursor);
  if (filters.favoritesOnly) query.set('favorite', 'true');
  if (filters.tags.length > 0) query.set('tags', filters.tags.join(','));
  if (filters.from) query.set('from', filters.from);
  if (filters.to) query.set('to', filters.to);
  if (filters.q.trim()) query.set('q', filters.q.trim());
  if (filters.status) query.set('status', filters.status);
  return query.toString();
}
