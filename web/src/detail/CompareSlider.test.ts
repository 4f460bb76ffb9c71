// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { renderInDocument, typeInto } from '../testing/renderInDocument.js';
import { CompareSlider } from './CompareSlider.js';

describe('CompareSlider', () => {
  let unmount: () => Promise<void> = async () => {};
  afterEach(() => unmount());

  it('shows the original under the cut-out, split at the slider, both with alt text', async () => {
    const view = await renderInDocument(CompareSlider, {
      originalUrl: 'http://127.0.0.1:10000/devstoreaccount1/originals/u/a_original.jpg',
      cutoutUrl: 'http://127.0.0.1:10000/devstoreaccount1/processed/u/a_processed.png',
      title: 'Red disc',
      aspectRatio: 4 / 3,
    });
    unmount = view.unmount;
    const images = [...view.container.querySelectorAll('img')].map((image) => image.alt);
    expect(images).toEqual(['Red disc, original', 'Red disc, background removed']);

    const cutout = view.container.querySelector<HTMLElement>('.compare-cutout');
    const slider = view.container.querySelector<HTMLInputElement>('input[type="range"]');
    expect(cutout?.style.clipPath).toBe('inset(0 0 0 50%)');
    expect(slider?.labels?.[0]?.textContent).toContain('Background removed');

    await typeInto(slider!, '20');
    expect(cutout?.style.clipPath).toBe('inset(0 0 0 20%)');
    expect(slider?.getAttribute('aria-valuetext')).toBe('20 % original, 80 % background removed');
  });
});
