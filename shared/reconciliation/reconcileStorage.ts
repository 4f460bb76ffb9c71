import type { Database } from '../db/index.js';
import type { EventLog } from '../observability/eventLog.js';
import type { BlobStore } from '../storage/blobStore.js';
import { addMissingPreviews } from './addMissingPreviews.js';
import { reconciliationCursors } from './reconciliationCursors.js';
import { recountQuotas } from './recountQuotas.js';
import { removeOrphanBlobs } from './removeOrphanBlobs.js';
import { repairImages } from './repairImages.js';

export interface ReconcileStorageOptions {
  db: Database;
  blobs: BlobStore;
  log: EventLog;
  /** `RECONCILE_GRACE_MINUTES`: younger blobs and images may be in the middle of a step. */
  graceMinutes: number;
  /** `RECONCILE_BATCH_SIZE`: blobs per container, images and users per run. */
  batchSize: number;
  /** `MAX_INPUT_PIXELS`, for the previews it makes. */
  maxPixels: number;
  now?: Date;
}

/** Previews made per run (each decodes a whole cut-out): 20 every 30 minutes is about 1,000 a day. */
const PREVIEWS_PER_RUN = 20;

export interface Reconciliation {
  removedBlobs: number;
  /** Images to enqueue for processing (their outputs are to be made again, or their run was lost). */
  toProcess: string[];
}

/**
 * The reconciliation timer's run: storage and the database made to agree again after whatever broke
 * them (a crash that lost writes, an operator, a bug). In order, each bounded and resumed from where
 * the last run stopped:
 *   1. blobs no row accounts for, past the grace period, are deleted;
 *   2. settled images are measured: lost outputs made again from the original, a lost original marked
 *      `failed` (`original_missing`), a row's bytes set to what its blobs measure; stalled runs restarted;
 *   3. ready images made before previews existed get theirs, from their stored cut-out;
 *   4. each user's counters are recounted from the rows, through the quota ledger.
 * Every repair is logged as a `reconciliation_repair` event, every counter that changed as `quota_drift`.
 */
export async function reconcileStorage(options: ReconcileStorageOptions): Promise<Reconciliation> {
  const { db, blobs, log } = options;
  const now = options.now ?? new Date();
  const graceStart = new Date(now.getTime() - options.graceMinutes * 60_000);
  const cursors = reconciliationCursors(db);

  const removed = await removeOrphanBlobs({ db, blobs, cursors, modifiedBefore: graceStart, batchSize: options.batchSize });
  for (const location of removed)
    log('reconciliation_repair', { repair: 'remove_blob', container: location.container, blob: location.name });

  const repairs = await repairImages({ db, blobs, cursors, stalledBefore: graceStart, batchSize: options.batchSize });
  for (const repair of repairs) log('reconciliation_repair', repair);

  const previews = await addMissingPreviews({ db, blobs, cursors, maxPixels: options.maxPixels, limit: PREVIEWS_PER_RUN });
  for (const added of previews) log('reconciliation_repair', added);

  for (const drift of await recountQuotas({ db, cursors, batchSize: options.batchSize })) {
    log('quota_drift', {
      userId: drift.userId,
      storageUsedBefore: drift.before.storageUsed,
      storageUsedAfter: drift.after.storageUsed,
      imageCountBefore: drift.before.imageCount,
      imageCountAfter: drift.after.imageCount,
    });
  }
  return {
    removedBlobs: removed.length,
    toProcess: repairs.filter((repair) => repair.repair === 'reprocess' || repair.repair === 'restart').map((repair) => repair.imageId),
  };
}
