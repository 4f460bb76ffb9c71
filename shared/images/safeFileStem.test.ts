import { describe, expect, it } from 'vitest';
import { safeFileStem } from './safeFileStem.js';

describe('safeFileStem', () => {
  it('folds accents and turns everything else into dashes', () => {
    expect(safeFileStem('Été à la plage')).toBe('Ete-a-la-plage');
    expect(safeFileStem('Mon chat (2024) 🐈!')).toBe('Mon-chat-2024');
    expect(safeFileStem('photo_01.final')).toBe('photo_01.final');
  });
  it('never keeps a path, a hidden name or a traversal', () => {
    expect(safeFileStem('../../etc/passwd')).toBe('etc-passwd');
    expect(safeFileStem('C:\\Users\\me')).toBe('C-Users-me');
    expect(safeFileStem('.hidden')).toBe('hidden');
    expect(safeFileStem('a..b')).toBe('a.b');
    expect(safeFileStem('a\u0000b\nc')).toBe('a-b-c');
  });
  it('is never empty and never longer than asked', () => {
    expect(safeFileStem('日本語')).toBe('image');
    expect(safeFileStem('...')).toBe('image');
    expect(safeFileStem('x'.repeat(300))).toHaveLength(60);
    expect(safeFileStem('ab-cd', 3)).toBe('ab');
  });
});
