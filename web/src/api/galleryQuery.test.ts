import { describe, expect, it } from 'vitest';
import { galleryFilterFields, galleryQueryString, narrowsGallery, NO_FILTERS, parseTagList } from './galleryQuery.js';

describe('galleryQueryString', () => {
  it('sends only the limit and the sort when nothing is filtered', () => {
    expect(galleryQueryString(NO_FILTERS, { limit: 24 })).toBe('limit=24&sort=newest');
  });

  it('names every filter as docs/api.md does, with the cursor of the next page', () => {
    const query = new URLSearchParams(
      galleryQueryString(
        {
          sort: 'oldest',
          favoritesOnly: true,
          tags: ['pets', 'summer'],
          from: '2025-05-01',
          to: '2025-05-31',
          q: '  cat ',
          status: 'ready',
        },
        { limit: 10, cursor: 'abc' },
      ),
    );
    expect(Object.fromEntries(query)).toEqual({
      limit: '10',
      sort: 'oldest',
      cursor: 'abc',
      favorite: 'true',
      tags: 'pets,summer',
      from: '2025-05-01',
      to: '2025-05-31',
      q: 'cat',
      status: 'ready',
    });
  });
});

describe('parseTagList', () => {
  it('trims, lower-cases, drops empty entries and de-duplicates', () => {
    expect(parseTagList(' Pets, summer ,,PETS, ')).toEqual(['pets', 'summer']);
  });
});

describe('narrowsGallery', () => {
  it('is false for the sort alone and true for any filter', () => {
    expect(narrowsGallery({ ...NO_FILTERS, sort: 'oldest' })).toBe(false);
    expect(narrowsGallery({ ...NO_FILTERS, tags: ['pets'] })).toBe(true);
    expect(narrowsGallery({ ...NO_FILTERS, q: '   ' })).toBe(false);
  });
});

describe('galleryFilterFields', () => {
  it('gives an export the gallery’s filters under the same names, and nothing when nothing is filtered', () => {
    expect(galleryFilterFields(NO_FILTERS)).toEqual({});
    expect(galleryFilterFields({ ...NO_FILTERS, sort: 'oldest', favoritesOnly: true, tags: ['pets', 'summer'], q: ' cat ' })).toEqual({
      favorite: 'true',
      tags: 'pets,summer',
      q: 'cat',
    });
  });
});
