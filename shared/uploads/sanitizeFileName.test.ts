import { describe, expect, it } from 'vitest';
import { sanitizeFileName } from './sanitizeFileName.js';

describe('sanitizeFileName', () => {
  it('keeps ordinary names', () => {
    expect(sanitizeFileName('Mon chat.jpg')).toBe('Mon chat.jpg');
  });
  it('drops folders, control and bidi characters and leading dots', () => {
    expect(sanitizeFileName('../../etc/passwd')).toBe('passwd');
    expect(sanitizeFileName('C:\\Users\\me\\cat.png')).toBe('cat.png');
    expect(sanitizeFileName('evil\u202egpj.exe')).toBe('evilgpj.exe');
    expect(sanitizeFileName('a\u0000b\nc.png')).toBe('abc.png');
    expect(sanitizeFileName('.hidden.png')).toBe('hidden.png');
  });
  it('never returns an empty or overlong name', () => {
    expect(sanitizeFileName('///')).toBe('image');
    expect(sanitizeFileName(`${'x'.repeat(400)}.png`)).toHaveLength(255);
  });
});
