import type { Database, UserImage } from '../db/index.js';
import { hasStoredOriginal } from '../images/presentImages.js';
import { CONTAINERS, IMAGE_CONTAINERS, parseBlobName, type BlobLocation, type ContainerName } from '../storage/blobPaths.js';
import type { BlobStore, ListedBlob } from '../storage/blobStore.js';
import type { ReconciliationCursors } from './reconciliationCursors.js';

export interface RemoveOrphanBlobsOptions {
  db: Database;
  blobs: BlobStore;
  cursors: ReconciliationCursors;
  /** Blobs modified after this instant are left alone: a step may be writing them. */
  modifiedBefore: Date;
  batchSize: number;
}

/**
 * Blobs no image row accounts for, older than the grace period, are deleted (snapshots included):
 * what an upload link wrote that no check kept, what a crash left between a write and its row, what
 * a name the product never makes. One page of each container per run, resumed from its cursor.
 * Rows being deleted are left to the deletion, which owns their blobs. Exports are not images' files:
 * their expiry owns them.
 */
export async function removeOrphanBlobs(options: RemoveOrphanBlobsOptions): Promise<BlobLocation[]> {
  const removed: BlobLocation[] = [];
  for (const container of IMAGE_CONTAINERS) {
    const task = `orphanBlobs:${container}`;
    const page = await options.blobs.listPage(container, options.batchSize, await options.cursors.read(task));
    const rows = await rowsFor(options.db, page.blobs);
    for (const blob of page.blobs) {
      if (blob.lastModified >= options.modifiedBefore) continue;
      const ids = parseBlobName(blob.location);
      const row = ids ? rows.get(ids.imageId) : undefined;
      if (row && (row.userId !== ids?.userId || row.deletedAt || accountsFor(row, container, blob.location.name))) continue;
      await options.blobs.delete(blob.location);
      removed.push(blob.location);
    }
    await options.cursors.write(task, page.next);
  }
  return removed;
}

/** Whether the row expects this blob to exist now (or soon: an image in flight). */
function accountsFor(row: UserImage, container: ContainerName, name: string): boolean {
  switch (container) {
    case CONTAINERS.uploads:
      return row.status === 'pending_upload';
    case CONTAINERS.originals:
      return name === row.originalPath && hasStoredOriginal(row);
    default:
      // Outputs exist while a run makes them and once it recorded them; a queued image's are overwritten.
      return row.status === 'queued' || row.status === 'processing' || row.status === 'ready';
  }
}

async function rowsFor(db: Database, blobs: readonly ListedBlob[]): Promise<Map<string, UserImage>> {
  const ids = blobs.map((blob) => parseBlobName(blob.location)?.imageId).filter((id): id is string => id !== undefined);
  if (ids.length === 0) return new Map();
  const rows = await db.userImage.findMany({ where: { id: { in: ids } } });
  return new Map(rows.map((row) => [row.id, row]));
}
