import { useEffect, useId, useState } from 'react';
import type { ImageStatus } from '../api/apiTypes.js';
import { NO_FILTERS, parseTagList, type GalleryFilters } from '../api/galleryQuery.js';
import { STATUS_LABELS } from '../format.js';

/** Typing settles this long before the gallery asks the API again. */
const TYPING_SETTLE_MS = 300;

interface FilterDraft {
  q: string;
  tags: string;
  favoritesOnly: boolean;
  from: string;
  to: string;
  status: ImageStatus | '';
  sort: GalleryFilters['sort'];
}

function toDraft(filters: GalleryFilters): FilterDraft {
  return { ...filters, tags: filters.tags.join(', ') };
}

function toFilters(draft: FilterDraft): GalleryFilters {
  return { ...draft, q: draft.q.trim(), tags: parseTagList(draft.tags) };
}

function sameFilters(a: GalleryFilters, b: GalleryFilters): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export interface GalleryToolbarProps {
  filters: GalleryFilters;
  onChange: (filters: GalleryFilters) => void;
}

/** Search, favourites, tags, date range, status and sort of the grid. */
export function GalleryToolbar({ filters, onChange }: GalleryToolbarProps) {
  const [draft, setDraft] = useState<FilterDraft>(() => toDraft(filters));
  const id = useId();

  useEffect(() => {
    const next = toFilters(draft);
    if (sameFilters(next, filters)) return;
    const timer = setTimeout(() => onChange(next), TYPING_SETTLE_MS);
    return () => clearTimeout(timer);
  }, [draft, filters, onChange]);

  const set = <Key extends keyof FilterDraft>(key: Key, value: FilterDraft[Key]) => setDraft((current) => ({ ...current, [key]: value }));

  return (
    <form className="gallery-toolbar" role="search" aria-label="Filter the gallery" onSubmit={(event) => event.preventDefault()}>
      <span className="field">
        <label htmlFor={`${id}-q`}>Search</label>
        <input
          id={`${id}-q`}
          type="search"
          value={draft.q}
          placeholder="Title or file name"
          onChange={(event) => set('q', event.target.value)}
        />
      </span>

      <span className="field">
        <label htmlFor={`${id}-tags`}>Tags</label>
        <input id={`${id}-tags`} value={draft.tags} placeholder="pets, summer" onChange={(event) => set('tags', event.target.value)} />
      </span>

      <label className="inline">
        <input type="checkbox" checked={draft.favoritesOnly} onChange={(event) => set('favoritesOnly', event.target.checked)} />
        Favourites only
      </label>

      <span className="field">
        <label htmlFor={`${id}-from`}>From</label>
        <input
          id={`${id}-from`}
          type="date"
          value={draft.from}
          max={draft.to || undefined}
          onChange={(event) => set('from', event.target.value)}
        />
      </span>

      <span className="field">
        <label htmlFor={`${id}-to`}>To</label>
        <input
          id={`${id}-to`}
          type="date"
          value={draft.to}
          min={draft.from || undefined}
          onChange={(event) => set('to', event.target.value)}
        />
      </span>

      <span className="field">
        <label htmlFor={`${id}-status`}>Status</label>
        <select id={`${id}-status`} value={draft.status} onChange={(event) => set('status', event.target.value as ImageStatus | '')}>
          <option value="">Any</option>
          {(Object.keys(STATUS_LABELS) as ImageStatus[]).map((status) => (
            <option key={status} value={status}>
              {STATUS_LABELS[status]}
            </option>
          ))}
        </select>
      </span>

      <span className="field">
        <label htmlFor={`${id}-sort`}>Sort</label>
        <select id={`${id}-sort`} value={draft.sort} onChange={(event) => set('sort', event.target.value as GalleryFilters['sort'])}>
          <option value="newest">Newest first</option>
          <option value="oldest">Oldest first</option>
        </select>
      </span>

      <button type="button" onClick={() => setDraft(toDraft(NO_FILTERS))}>
        Clear filters
      </button>
    </form>
  );
}
