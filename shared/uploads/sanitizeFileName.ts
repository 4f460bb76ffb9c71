/**
 * The user's file name as shown back to them: no folders, no control or bidi-override characters,
 * Unicode-normalised, at most 255 characters. It is never used to build a path.
 */
export function sanitizeFileName(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? '';
  const clean = base
    .normalize('NFC')
    // eslint-disable-next-line no-control-regex -- removing control characters is the point
    .replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '')
    .trim()
    .replace(/^\.+/, '')
    .slice(0, 255);
  return clean === '' ? 'image' : clean;
}
