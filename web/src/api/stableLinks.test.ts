import { describe, expect, it } from 'vitest';
import type { ImageResource } from './apiTypes.js';
import { withStableLinks } from './stableLinks.js';

const NOW = Date.parse('2025-05-01T10:00:00.000Z');
const blob = (path: string, signature: string) => `http://127.0.0.1:10000/devstoreaccount1/${path}?se=x&sig=${signature}`;

function image(signature: string, urlsExpireAt: string, status: ImageResource['status'] = 'ready'): ImageResource {
  const ready = status === 'ready';
  return {
    id: 'cm9k3x0a20000abcdefghijkl',
    title: 'Red disc',
    status,
    error: null,
    originalName: 'disc.jpg',
    fileSize: 20_480,
    fileType: 'image/jpeg',
    dimensions: ready ? { width: 640, height: 480 } : null,
    processingTime: ready ? 900 : null,
    quality: ready ? 'good' : null,
    tags: [],
    isFavorite: false,
    isPublic: false,
    duplicateOf: null,
    createdAt: '2025-05-01T09:00:00.000Z',
    updatedAt: '2025-05-01T09:00:01.000Z',
    urls: {
      original: blob('originals/u/a_original.jpg', signature),
      processed: ready ? blob('processed/u/a_processed.png', signature) : null,
      thumbnail: ready ? blob('thumbnails/u/a_thumb.webp', signature) : null,
      preview: ready ? blob('previews/u/a_preview.webp', signature) : null,
    },
    urlsExpireAt,
  };
}

describe('withStableLinks', () => {
  it('keeps the links already shown while they name the same blobs and stay valid', () => {
    const shown = image('first', '2025-05-01T10:30:00.000Z');
    const answer = { ...image('second', '2025-05-01T11:00:00.000Z'), tags: ['pets'] };
    expect(withStableLinks(shown, answer, NOW)).toEqual({ ...answer, urls: shown.urls, urlsExpireAt: shown.urlsExpireAt });
  });

  it('takes the new links when a blob appeared (the cut-out is ready) or the old ones are about to expire', () => {
    const processing = image('first', '2025-05-01T10:30:00.000Z', 'processing');
    const ready = image('second', '2025-05-01T11:00:00.000Z');
    expect(withStableLinks(processing, ready, NOW)).toBe(ready);
    expect(withStableLinks(image('first', '2025-05-01T10:04:00.000Z'), ready, NOW)).toBe(ready);
  });
});
