import type { Readable } from 'node:stream';
import ZipStream from 'zip-stream';
import type { BlobLocation } from '../storage/blobPaths.js';
import type { BlobStore } from '../storage/blobStore.js';

export interface ZipBlobEntry {
  location: BlobLocation;
  name: string;
  date: Date;
}

export interface ZipBlobsOptions {
  blobs: BlobStore;
  entries: readonly ZipBlobEntry[];
  /** Told when the archive fails after it started (the reader sees a truncated stream). */
  onError: (error: unknown) => void;
}

/**
 * A ZIP of blobs, produced while it is read. One blob download is open at a time and is piped into
 * the archive with back-pressure, so memory stays flat whatever the number and size of the entries.
 * Entries are stored, not deflated: images are compressed already. A reader that goes away stops it.
 */
export function zipBlobs(options: ZipBlobsOptions): Readable {
  const zip = new ZipStream({ store: true });
  const append = async (entry: ZipBlobEntry) => {
    const source = await options.blobs.openReadStream(entry.location);
    if (zip.destroyed) {
      source.destroy();
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const abandon = () => {
        source.destroy();
        reject(new Error('The ZIP stream was closed before it was complete.'));
      };
      zip.once('close', abandon);
      zip.entry(source, { name: entry.name, date: entry.date }, (error) => {
        zip.off('close', abandon);
        if (error) reject(error);
        else resolve();
      });
    });
  };
  void (async () => {
    for (const entry of options.entries) {
      if (zip.destroyed) return;
      await append(entry);
    }
    zip.finish();
  })().catch((error: unknown) => {
    if (!zip.destroyed) options.onError(error);
    zip.destroy(error instanceof Error ? error : new Error(String(error)));
  });
  return zip;
}
