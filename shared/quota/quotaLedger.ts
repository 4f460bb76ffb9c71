import type { DatabaseTransaction } from '../db/index.js';
import { AppError } from '../errors.js';
import { enqueueQuotaWarnings } from '../webhooks/enqueueWebhookEvent.js';
import { quotaCrossings, type QuotaCrossing } from './reportQuotaCrossings.js';

/**
 * The only writers of a user's counters: `User.storageUsed` (bytes stored plus uploads in flight) and
 * `StorageQuota.imageCount`. Each runs inside the caller's transaction, the one that moves the image
 * row, so that the row's `storageBytes` and the counters change together.
 *
 * Lock order, the same for every writer so that none can deadlock another: the image row (the
 * caller's update), then the user row, then the quota row. A reservation creates its image row after
 * them, which nobody else can have locked.
 *
 * A writer that raises a counter returns the thresholds it crossed (`QuotaCrossing`: 80 % and 100 % of a
 * limit, only when the counter went from below to at or above one), so that the caller logs them once
 * the transaction committed (`reportQuotaCrossings`) and nothing is announced for a rolled-back change.
 * The `quota.warning` webhook events of those crossings are recorded here, in the same transaction.
 */

interface QuotaRow {
  storageUsed: bigint;
  storageLimit: bigint;
  imageCount: number;
  imageLimit: number;
}

/**
 * An upload request holds its declared bytes and one image until its bytes are checked; over a limit
 * → `quota_exceeded` with the numbers.
 */
export async function reserveQuota(tx: DatabaseTransaction, request: { userId: string; bytes: bigint }): Promise<QuotaCrossing[]> {
  const { userId, bytes } = request;
  // Locking the user's row, then their quota's, serialises concurrent reservations of one user.
  await tx.$queryRaw`SELECT 1 FROM users WHERE id = ${userId} FOR UPDATE`;
  const [quota] = await tx.$queryRaw<QuotaRow[]>`
    SELECT u.storage_used AS "storageUsed", q.storage_limit AS "storageLimit", q.image_count AS "imageCount", q.image_limit AS "imageLimit"
    FROM storage_quotas q JOIN users u ON u.id = q.user_id
    WHERE q.user_id = ${userId}
    FOR UPDATE OF q`;
  if (!quota) throw new Error(`User ${userId} has no quota row.`);
  if (quota.imageCount + 1 > quota.imageLimit) {
    throw new AppError(
      'quota_exceeded',
      `You have reached your limit of ${quota.imageLimit} images, those in Recently deleted included. Delete some for good to upload more.`,
      {
        details: { limit: 'images', imageCount: quota.imageCount, imageLimit: quota.imageLimit },
      },
    );
  }
  if (quota.storageUsed + bytes > quota.storageLimit) {
    throw new AppError(
      'quota_exceeded',
      `This upload needs ${bytes} bytes but only ${quota.storageLimit - quota.storageUsed} of your ${quota.storageLimit} bytes are free (images in Recently deleted count until deleted for good).`,
      {
        details: {
          limit: 'storage',
          storageUsed: Number(quota.storageUsed),
          storageLimit: Number(quota.storageLimit),
          size: Number(bytes),
        },
      },
    );
  }
  await tx.user.update({ where: { id: userId }, data: { storageUsed: { increment: bytes } } });
  await tx.storageQuota.update({ where: { userId }, data: { imageCount: { increment: 1 } } });
  return withQuotaWarnings(tx, [
    ...quotaCrossings({
      userId,
      limit: 'storage',
      before: Number(quota.storageUsed),
      after: Number(quota.storageUsed + bytes),
      max: Number(quota.storageLimit),
    }),
    ...quotaCrossings({ userId, limit: 'images', before: quota.imageCount, after: quota.imageCount + 1, max: quota.imageLimit }),
  ]);
}

/**
 * An image's bytes become what is really stored (`toBytes`, the sum of its blobs) instead of what it
 * held until now (`fromBytes`, a reservation or an earlier settlement).
 */
export async function settleQuota(
  tx: DatabaseTransaction,
  settlement: { userId: string; fromBytes: bigint; toBytes: bigint },
): Promise<QuotaCrossing[]> {
  const delta = settlement.toBytes - settlement.fromBytes;
  const user = await tx.user.update({
    where: { id: settlement.userId },
    data: { storageUsed: { increment: delta } },
    select: { storageUsed: true, quota: { select: { storageLimit: true } } },
  });
  if (!user.quota) return [];
  return withQuotaWarnings(
    tx,
    quotaCrossings({
      userId: settlement.userId,
      limit: 'storage',
      before: Number(user.storageUsed - delta),
      after: Number(user.storageUsed),
      max: Number(user.quota.storageLimit),
    }),
  );
}

async function withQuotaWarnings(tx: DatabaseTransaction, crossings: QuotaCrossing[]): Promise<QuotaCrossing[]> {
  await enqueueQuotaWarnings(tx, crossings);
  return crossings;
}

export interface QuotaRecount {
  userId: string;
  before: { storageUsed: bigint; imageCount: number };
  after: { storageUsed: bigint; imageCount: number };
}

/**
 * The counters set to what the user's images hold (`held`, read by the caller's lifecycle rule once
 * the user's row is locked, so that no settlement runs between that read and this write). Returns
 * both values; `undefined` for a user without a quota row.
 */
export async function recountQuota(
  tx: DatabaseTransaction,
  userId: string,
  held: () => Promise<{ storageUsed: bigint; imageCount: number }>,
): Promise<QuotaRecount | undefined> {
  // Every other writer locks the image row first and the user row next; this one locks no image row.
  const [before] = await tx.$queryRaw<{ storageUsed: bigint; imageCount: number }[]>`
    SELECT u.storage_used AS "storageUsed", q.image_count AS "imageCount"
    FROM users u JOIN storage_quotas q ON q.user_id = u.id
    WHERE u.id = ${userId}
    FOR UPDATE`;
  if (!before) return undefined;
  const after = await held();
  if (after.storageUsed !== before.storageUsed) {
    await tx.user.update({ where: { id: userId }, data: { storageUsed: after.storageUsed } });
  }
  if (after.imageCount !== before.imageCount) {
    await tx.storageQuota.update({ where: { userId }, data: { imageCount: after.imageCount } });
  }
  return { userId, before, after };
}

/**
 * Gives back what an image held: its bytes, and its unit of the image limit unless that was already
 * given back (`holdsImageSlot`, decided by the image's lifecycle).
 */
export async function releaseQuota(
  tx: DatabaseTransaction,
  release: { userId: string; storageBytes: bigint; holdsImageSlot: boolean },
): Promise<void> {
  await releaseQuotaOfImages(tx, {
    userId: release.userId,
    storageBytes: release.storageBytes,
    imageSlots: release.holdsImageSlot ? 1 : 0,
  });
}

/**
 * Gives back what several images of one user held (their bytes, and the slots they held) in at most
 * two updates however many they are: a batch of 500 deletions stays a short transaction.
 */
export async function releaseQuotaOfImages(
  tx: DatabaseTransaction,
  release: { userId: string; storageBytes: bigint; imageSlots: number },
): Promise<void> {
  if (release.storageBytes !== 0n) {
    await tx.user.update({ where: { id: release.userId }, data: { storageUsed: { decrement: release.storageBytes } } });
  }
  if (release.imageSlots > 0) {
    await tx.storageQuota.update({ where: { userId: release.userId }, data: { imageCount: { decrement: release.imageSlots } } });
  }
}
