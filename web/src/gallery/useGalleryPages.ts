import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiClient } from '../api/apiClient.js';
import { ApiError } from '../api/apiError.js';
import type { ImageResource } from '../api/apiTypes.js';
import { withStableLinks } from '../api/stableLinks.js';
import type { GalleryFilters } from '../api/galleryQuery.js';

const GALLERY_PAGE_SIZE = 24;

export interface GalleryPages {
  items: ImageResource[];
  /** More pages exist after the loaded ones. */
  hasMore: boolean;
  loading: boolean;
  error: ApiError | null;
  loadMore: () => void;
  /** Replaces an image in place (keeping read links that still serve); a new one is put first when `addIfNew` (it matches the view). */
  upsert: (image: ImageResource, addIfNew: boolean) => void;
  remove: (ids: readonly string[]) => void;
}

interface PagesState {
  items: ImageResource[];
  nextCursor: string | null;
  /** The first page has arrived for the current filters. */
  started: boolean;
  loading: boolean;
  error: ApiError | null;
}

const FIRST_LOAD: PagesState = { items: [], nextCursor: null, started: false, loading: true, error: null };

function toApiError(failure: unknown): ApiError {
  return failure instanceof ApiError ? failure : new ApiError(0, 'client_error', String(failure));
}

/** The gallery's images for these filters, page by page with the API's cursor. */
export function useGalleryPages(api: ApiClient, filters: GalleryFilters): GalleryPages {
  const [state, setState] = useState<PagesState>(FIRST_LOAD);
  // Answers for older filters are dropped: each filter change starts a new generation.
  const generation = useRef(0);
  const stateRef = useRef(state);
  stateRef.current = state;

  const fetchPage = useCallback(
    async (cursor: string | undefined, forGeneration: number) => {
      try {
        const page = await api.listGallery(filters, { cursor, limit: GALLERY_PAGE_SIZE });
        if (generation.current !== forGeneration) return;
        setState((current) => {
          const known = new Set(current.items.map((image) => image.id));
          const fresh = page.items.filter((image) => !known.has(image.id));
          return { items: [...current.items, ...fresh], nextCursor: page.nextCursor, started: true, loading: false, error: null };
        });
      } catch (failure) {
        if (generation.current !== forGeneration) return;
        setState((current) => ({ ...current, loading: false, error: toApiError(failure) }));
      }
    },
    [api, filters],
  );

  useEffect(() => {
    generation.current += 1;
    setState(FIRST_LOAD);
    void fetchPage(undefined, generation.current);
  }, [fetchPage]);

  const loadMore = useCallback(() => {
    const current = stateRef.current;
    if (current.loading) return;
    if (current.started && current.nextCursor === null) return;
    setState({ ...current, loading: true, error: null });
    void fetchPage(current.nextCursor ?? undefined, generation.current);
  }, [fetchPage]);

  const upsert = useCallback((image: ImageResource, addIfNew: boolean) => {
    setState((current) => {
      const index = current.items.findIndex((item) => item.id === image.id);
      const shown = current.items[index];
      if (shown) return { ...current, items: current.items.with(index, withStableLinks(shown, image)) };
      return addIfNew ? { ...current, items: [image, ...current.items] } : current;
    });
  }, []);

  const remove = useCallback((ids: readonly string[]) => {
    const gone = new Set(ids);
    setState((current) => ({ ...current, items: current.items.filter((item) => !gone.has(item.id)) }));
  }, []);

  return {
    items: state.items,
    hasMore: !state.started || state.nextCursor !== null,
    loading: state.loading,
    error: state.error,
    loadMore,
    upsert,
    remove,
  };
}
