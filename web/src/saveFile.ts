import type { DownloadedFile } from './api/apiClient.js';

/** Hands a downloaded file to the browser's download manager. */
export function saveFile({ blob, fileName }: DownloadedFile): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The download manager may read the object URL a little after the click: release it later.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
