/**
 * A file name stem made of safe characters only (ASCII letters, digits, `.`, `_`, `-`): accents are
 * folded, anything else becomes `-`, and nothing can form a path or a hidden file. Used for the
 * names of downloads and ZIP entries, which come from user-chosen titles.
 */
export function safeFileStem(text: string, maxLength = 60): string {
  const stem = text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/\.{2,}/g, '.')
    .slice(0, maxLength)
    .replace(/^[-._]+|[-._]+$/g, '');
  return stem === '' ? 'image' : stem;
}
