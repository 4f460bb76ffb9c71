import type { Database, UserImage } from '../db/index.js';
import { PROCESSING_FAILED } from '../images/imageErrors.js';
import { markOriginalMissing, requeueForRepair, settleStoredBytes } from '../images/imageLifecycle.js';
import { IMAGE_OUTPUTS, measureOutputs, outputLocations, type ImageOutputName } from '../images/imageOutputs.js';
import { CONTAINERS } from '../storage/blobPaths.js';
import type { BlobStore } from '../storage/blobStore.js';
import type { ReconciliationCursors } from './reconciliationCursors.js';

export interface RepairImagesOptions {
  db: Database;
  blobs: BlobStore;
  cursors: ReconciliationCursors;
  /** Images queued or processing, untouched since before this instant, are started again. */
  stalledBefore: Date;
  batchSize: number;
}

export type ImageRepair =
  /** A `ready` image lost an output: made again from its original. */
  | { repair: 'reprocess'; imageId: string; userId: string; missing: string[] }
  /** The original is gone: `failed` with `original_missing`. */
  | { repair: 'original_missing'; imageId: string; userId: string }
  /** The row's bytes differed from what its blobs measure. */
  | { repair: 'resettle'; imageId: string; userId: string; fromBytes: number; toBytes: number }
  /** Queued or processing for longer than the grace period (a lost queue message or run): started again. */
  | { repair: 'restart'; imageId: string; userId: string };

const TASK = 'images';

/**
 * Stalled images are restarted; settled ones (`ready`, and `failed` ones that keep their original) are
 * measured against storage, one batch per run in id order from the cursor. Returns every repair; the
 * caller enqueues the images to `reprocess` and `restart` (the pipeline's own queue message).
 */
export async function repairImages(options: RepairImagesOptions): Promise<ImageRepair[]> {
  const { db, blobs } = options;
  // Read before this run requeues anything: an image it requeues is not stalled.
  const stalled = await db.userImage.findMany({
    where: { deletedAt: null, status: { in: ['queued', 'processing'] }, updatedAt: { lt: options.stalledBefore } },
    orderBy: { updatedAt: 'asc' },
    take: options.batchSize,
    select: { id: true, userId: true },
  });
  const repairs: ImageRepair[] = stalled.map((image) => ({ repair: 'restart' as const, imageId: image.id, userId: image.userId }));

  const after = await options.cursors.read(TASK);
  const images = await db.userImage.findMany({
    where: {
      deletedAt: null,
      OR: [{ status: 'ready' }, { status: 'failed', errorCode: PROCESSING_FAILED }],
      ...(after ? { id: { gt: after } } : {}),
    },
    orderBy: { id: 'asc' },
    take: options.batchSize,
  });
  for (const image of images) {
    const repair = await repairImage(db, blobs, image);
    if (repair) repairs.push(repair);
  }
  await options.cursors.write(TASK, images.length === options.batchSize ? images.at(-1)!.id : undefined);
  return repairs;
}

async function repairImage(db: Database, blobs: BlobStore, image: UserImage): Promise<ImageRepair | undefined> {
  const ref = { imageId: image.id, userId: image.userId };
  const [originalBytes, outputBytes] = await Promise.all([
    blobs.sizeOf({ container: CONTAINERS.originals, name: image.originalPath }),
    image.status === 'ready' ? measureOutputs(blobs, image.userId, image.id) : Promise.resolve({}),
  ]);
  // Only what the row records is expected: an image made before an output existed (a preview) has none,
  // and making it would cost a remover call that nobody asked for.
  const recorded = (Object.entries(outputBytes) as [ImageOutputName, number | undefined][]).filter(
    ([name]) => image[IMAGE_OUTPUTS[name].pathField] !== null,
  );
  const missing = recorded.filter(([, size]) => size === undefined).map(([name]) => name);

  if (originalBytes === undefined && (missing.length > 0 || image.status === 'failed')) {
    if (!(await markOriginalMissing(db, image))) return undefined;
    // No longer ready: what is left of its outputs counts for nothing and is deleted.
    await Promise.all(outputLocations(image.userId, image.id).map((location) => blobs.delete(location)));
    return { repair: 'original_missing', ...ref };
  }
  if (missing.length > 0) {
    return (await requeueForRepair(db, image, originalBytes!)) ? { repair: 'reprocess', ...ref, missing } : undefined;
  }
  const measured = (originalBytes ?? 0) + recorded.reduce<number>((sum, [, size]) => sum + (size ?? 0), 0);
  if (BigInt(measured) === image.storageBytes) return undefined;
  if (!(await settleStoredBytes(db, image, measured))) return undefined;
  return { repair: 'resettle', ...ref, fromBytes: Number(image.storageBytes), toBytes: measured };
}
