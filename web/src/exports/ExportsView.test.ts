// @vitest-environment happy-dom
import { act } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import type { ExportResource } from '../api/apiTypes.js';
import { NO_FILTERS } from '../api/galleryQuery.js';
import { renderInDocument } from '../testing/renderInDocument.js';
import { ExportsView, type ExportsViewProps } from './ExportsView.js';

const readyExport: ExportResource = {
  id: 'cm9k3x0a20000exportready1',
  status: 'ready',
  variant: 'processed',
  progress: { done: 12, total: 12, bytes: 2_048 },
  url: 'http://127.0.0.1:10000/devstoreaccount1/exports/u/cm9k3x0a20000exportready1.zip?sv=2025-01-05&sig=x',
  urlExpiresAt: '2099-01-01T00:00:00.000Z',
  expiresAt: '2099-01-01T00:00:00.000Z',
  skipped: [{ id: 'cm9k3x0a20000abcdefghijkl', reason: 'deleted' }],
  skippedCount: 1,
  error: null,
  createdAt: '2025-05-01T10:00:00.000Z',
};

/** The API as the view uses it: a list the calls change, and the calls made. */
function fakeApi(initial: ExportResource[]) {
  const calls: string[] = [];
  let list = initial;
  const api: ExportsViewProps['api'] = {
    listExports: async () => list,
    createExport: async (filter, variant) => {
      calls.push(`create ${JSON.stringify(filter ?? null)} ${variant}`);
      const created: ExportResource = { ...readyExport, id: 'cm9k3x0a20000exportqueued', status: 'queued', url: null, expiresAt: null };
      list = [created, ...list];
      return created;
    },
    deleteExport: async (id) => {
      calls.push(`delete ${id}`);
      list = list.filter((item) => item.id !== id);
    },
  };
  return { api, calls };
}

const click = (element: Element | null | undefined) => act(async () => (element as HTMLElement).click());
const button = (container: HTMLElement, text: string) =>
  [...container.querySelectorAll('button')].find((each) => each.textContent === text);

describe('ExportsView', () => {
  let unmount: () => Promise<void> = async () => {};
  afterEach(() => unmount());

  it('shows a ready export with its download link, progress and what it left out, and deletes it', async () => {
    const { api, calls } = fakeApi([readyExport]);
    const view = await renderInDocument(ExportsView, { api, filters: NO_FILTERS });
    unmount = view.unmount;
    const link = view.container.querySelector<HTMLAnchorElement>('a[download]');
    expect(link?.href).toBe(readyExport.url);
    expect(view.container.querySelector('progress')?.getAttribute('aria-label')).toBe('12 of 12 files');
    expect(view.container.textContent).toContain('2.0 KB');
    await click(button(view.container, 'Delete'));
    expect(calls).toEqual([`delete ${readyExport.id}`]);
    expect(view.container.textContent).toContain('No exports yet.');
  });

  it('exports everything, or the gallery’s filter only when it has one, and offers to cancel while it runs', async () => {
    const { api, calls } = fakeApi([]);
    const view = await renderInDocument(ExportsView, { api, filters: NO_FILTERS });
    unmount = view.unmount;
    expect(button(view.container, 'Export the gallery’s current filter')?.disabled).toBe(true);
    await click(button(view.container, 'Export the whole gallery'));
    expect(calls).toEqual(['create null processed']);
    expect(button(view.container, 'Cancel')).toBeDefined();
    // One export at a time: starting another waits for this one.
    expect(button(view.container, 'Export the whole gallery')?.disabled).toBe(true);

    // Another session's API (the list is read again: none running) with a filtered gallery.
    const filtered = fakeApi([]);
    await view.rerender({ api: filtered.api, filters: { ...NO_FILTERS, favoritesOnly: true, tags: ['pets'] } });
    await click(button(view.container, 'Export the gallery’s current filter'));
    expect(filtered.calls).toEqual(['create {"favorite":"true","tags":"pets"} processed']);
  });
});
