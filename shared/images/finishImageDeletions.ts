import type { Database, UserImage } from '../db/index.js';
import { CONTAINERS, intakeBlob, type BlobLocation } from '../storage/blobPaths.js';
import type { BlobStore } from '../storage/blobStore.js';
import { removeDeletedImages } from './imageLifecycle.js';
import { outputLocations } from './imageOutputs.js';

export interface FinishImageDeletionsOptions {
  db: Database;
  blobs: BlobStore;
  /** Images already marked with `deletedAt`. */
  images: readonly Pick<UserImage, 'id' | 'userId' | 'originalPath'>[];
}

export interface FinishedImageDeletions {
  /** Ids whose blobs and row this call removed, their bytes given back to the quota. */
  finished: string[];
  /** Ids left marked because a blob could not be deleted; a later call finishes them. */
  pending: { id: string; error: unknown }[];
}

/** Images whose blobs are deleted at the same time; each has its original and its outputs. */
const CONCURRENT_IMAGES = 8;

/**
 * The second half of a deletion: blobs first, then the row and its quota in one transaction. Marked
 * rows are invisible to the API, so a failure between the steps leaves neither a visible row pointing
 * at missing blobs nor a blob without a row; running this again finishes the job. The quota keeps
 * counting an image's bytes until its row goes, so `storageUsed` never drops below what is stored.
 */
export async function finishImageDeletions(options: FinishImageDeletionsOptions): Promise<FinishedImageDeletions> {
  const blobsDeleted: Pick<UserImage, 'id' | 'userId'>[] = [];
  const pending: FinishedImageDeletions['pending'] = [];
  await forEachConcurrently(options.images, CONCURRENT_IMAGES, async (image) => {
    try {
      await Promise.all(blobsOf(image).map((location) => options.blobs.delete(location)));
      blobsDeleted.push(image);
    } catch (error) {
      pending.push({ id: image.id, error });
    }
  });

  const finished: string[] = [];
  for (const [userId, ids] of groupIdsByUser(blobsDeleted)) {
    finished.push(...(await removeDeletedImages(options.db, userId, ids)));
  }
  return { finished, pending };
}

/** Every blob the image can have: its intake blob, its original and every output, including one not recorded yet. */
function blobsOf(image: Pick<UserImage, 'id' | 'userId' | 'originalPath'>): BlobLocation[] {
  return [
    intakeBlob(image.userId, image.id),
    { container: CONTAINERS.originals, name: image.originalPath },
    ...outputLocations(image.userId, image.id),
  ];
}

function groupIdsByUser(images: readonly Pick<UserImage, 'id' | 'userId'>[]): Map<string, string[]> {
  const byUser = new Map<string, string[]>();
  for (const image of images) byUser.set(image.userId, [...(byUser.get(image.userId) ?? []), image.id]);
  return byUser;
}

async function forEachConcurrently<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}
