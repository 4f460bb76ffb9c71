import type { GalleryFilters, GalleryQuery } from './galleryQuerySchema.js';

export interface GalleryScope {
  userId: string;
  sort: GalleryQuery['sort'];
  filters: GalleryFilters;
}

/**
 * One canonical string per scope (user, sort, filter set): equal filters spelt differently (tag order,
 * date formats) give the same string, any real difference gives another.
 */
export function galleryScopeKey(scope: GalleryScope): string {
  const { filters } = scope;
  return JSON.stringify([
    scope.userId,
    scope.sort,
    filters.favorite ?? null,
    filters.tags ? [...filters.tags].sort() : null,
    filters.from?.toISOString() ?? null,
    filters.to?.toISOString() ?? null,
    filters.q ?? null,
    filters.status ?? null,
  ]);
}
