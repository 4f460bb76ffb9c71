import type { ImageStatus } from './api/apiTypes.js';

const BYTE_UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

/** `1536` → `1.5 KB` (binary multiples, as storage quotas are counted). */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${value.toFixed(digits)} ${BYTE_UNITS[unit]}`;
}

export const STATUS_LABELS: Record<ImageStatus, string> = {
  pending_upload: 'Uploading',
  queued: 'Queued',
  processing: 'Processing',
  ready: 'Ready',
  failed: 'Failed',
};

export function formatDate(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** The name a downloaded cut-out is saved under when the server does not say: `cat.jpg` → `cat_cutout.png`. */
export function cutoutFileName(originalName: string): string {
  const dot = originalName.lastIndexOf('.');
  return `${dot > 0 ? originalName.slice(0, dot) : originalName}_cutout.png`;
}

/** The title a new upload gets: its file name without the extension (`cat.jpg` → `cat`), when that leaves any. */
export function titleFromFileName(fileName: string): string | undefined {
  const dot = fileName.lastIndexOf('.');
  const stem = (dot > 0 ? fileName.slice(0, dot) : fileName).trim().slice(0, 200);
  return stem === '' ? undefined : stem;
}
