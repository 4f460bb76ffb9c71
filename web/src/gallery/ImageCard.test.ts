// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import type { ImageResource } from '../api/apiTypes.js';
import { renderInDocument } from '../testing/renderInDocument.js';
import { ImageCard, type ImageCardProps } from './ImageCard.js';

const blobUrl = (path: string) => `http://127.0.0.1:10000/devstoreaccount1/${path}?sv=2025-01-05&sig=x`;

const readyImage: ImageResource = {
  id: 'cm9k3x0a20000abcdefghijkl',
  title: 'Red disc',
  status: 'ready',
  error: null,
  originalName: 'disc.jpg',
  fileSize: 20_480,
  fileType: 'image/jpeg',
  dimensions: { width: 640, height: 480 },
  processingTime: 900,
  quality: 'excellent',
  tags: ['shapes'],
  isFavorite: true,
  isPublic: false,
  duplicateOf: null,
  createdAt: '2025-05-01T10:00:00.000Z',
  updatedAt: '2025-05-01T10:00:01.000Z',
  urls: {
    original: blobUrl('originals/u/cm9k3x0a20000abcdefghijkl_original.jpg'),
    processed: blobUrl('processed/u/cm9k3x0a20000abcdefghijkl_processed.png'),
    thumbnail: blobUrl('thumbnails/u/cm9k3x0a20000abcdefghijkl_thumb.webp'),
    preview: blobUrl('previews/u/cm9k3x0a20000abcdefghijkl_preview.webp'),
  },
  urlsExpireAt: '2099-01-01T00:00:00.000Z',
};

describe('ImageCard', () => {
  let unmount: () => Promise<void> = async () => {};
  afterEach(() => unmount());

  const render = async (image: ImageResource, events: string[]) => {
    const props: ImageCardProps = {
      image,
      selected: false,
      onToggleSelected: (id) => events.push(`select ${id}`),
      onOpen: (id) => events.push(`open ${id}`),
      onLinksExpired: (id) => events.push(`expired ${id}`),
    };
    const view = await renderInDocument(ImageCard, props);
    unmount = view.unmount;
    return view.container;
  };

  it('shows a ready image as a lazily loaded thumbnail with alt text, its tags and favourite mark', async () => {
    const events: string[] = [];
    const card = await render(readyImage, events);
    const thumbnail = card.querySelector('img');
    expect(thumbnail?.getAttribute('src')).toBe(readyImage.urls.thumbnail);
    expect(thumbnail?.getAttribute('loading')).toBe('lazy');
    expect(thumbnail?.alt).toBe('Cut-out of Red disc');
    expect(card.querySelector('[aria-label="Favourite"]')).not.toBeNull();
    expect(card.querySelector('[aria-label="Tags of Red disc"]')?.textContent).toBe('shapes');

    card.querySelector<HTMLButtonElement>('button[aria-label="Open Red disc"]')?.click();
    card.querySelector<HTMLInputElement>('input[aria-label="Select Red disc"]')?.click();
    expect(events).toEqual([`open ${readyImage.id}`, `select ${readyImage.id}`]);
  });

  it('shows the status instead of a thumbnail while the image is in the pipeline', async () => {
    const card = await render({ ...readyImage, status: 'processing', urls: { ...readyImage.urls, processed: null, thumbnail: null } }, []);
    expect(card.querySelector('img')).toBeNull();
    expect(card.querySelector('.status-placeholder')?.textContent).toBe('Processing');
  });
});
