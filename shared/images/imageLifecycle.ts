import type { Database, ImageQuality, ImageStatus, UserImage } from '../db/index.js';
import { AppError } from '../errors.js';
import { recountQuota, releaseQuota, releaseQuotaOfImages, settleQuota, type QuotaRecount } from '../quota/quotaLedger.js';
import type { QuotaCrossing } from '../quota/reportQuotaCrossings.js';
import { revokeImageShares } from '../sharing/revokeImageShares.js';
import { enqueueImageEvent } from '../webhooks/enqueueWebhookEvent.js';
import { findOwnedImage } from './findOwnedImage.js';
import { ORIGINAL_MISSING, PROCESSING_FAILED, UPLOAD_REJECTION_CODES, type UploadRejectionCode } from './imageErrors.js';
import { IMAGE_OUTPUTS, outputFields, type ImageOutputName } from './imageOutputs.js';
import { IN_GALLERY, IN_TRASH } from './imagePlaces.js';

/**
 * An image's life, the one place that moves `UserImage.status` and decides what each state allows.
 * An upload request creates the row `pending_upload` (with its quota reservation); then:
 *
 *   pending_upload → queued          the uploaded bytes passed the check          acceptUpload
 *   pending_upload → failed          they did not (an upload rejection code)      rejectUpload
 *   pending_upload → (row removed)   the upload was abandoned                     removeAbandonedUpload
 *   queued → processing              a run starts                                 startProcessing
 *   processing → ready               the outputs are stored                       markReady
 *   queued | processing → failed     a run stopped short (`processing_failed`)    markFailed
 *   failed → queued                  retry of a `processing_failed` image         requeueFailedImage
 *   ready → queued                   reconciliation: an output is gone            requeueForRepair
 *   ready | failed → failed          reconciliation: the original is gone         markOriginalMissing
 *   ready → ready (+ preview)        reconciliation: made before previews existed recordAddedPreview
 *   any → deleted                    hidden at once, removed with its blobs       markDeleted, removeDeletedImages
 *
 * Beside its status, an image is in one place (`imagePlaces.ts`): the gallery, the trash ("Recently
 * deleted"), or being deleted. The trash is a place, not a status: an image keeps its status, blobs,
 * bytes and image slot there, and processing carries on (a queued image may become ready in the trash).
 *
 *   gallery → trash                  its owner deleted it (not `permanent`)       moveToTrash
 *   trash → gallery                  restored exactly as it was                   restoreFromTrash, restoreWholeTrash
 *   trash → deleted                  deleted from the trash, or it was emptied    markDeleted (onlyTrashed), markTrashDeleted
 *   trash → deleted                  past TRASH_RETENTION_DAYS                    markExpiredTrashDeleted
 *   gallery → deleted                `permanent=true`                             markDeleted
 *
 * Moving to the trash revokes the image's share links in the same transaction, and restoring does not
 * bring them back: an image never becomes public again without its owner making a new link. Neither
 * move touches `updatedAt` (raw SQL; Prisma would set it), so a restored row is the row that was trashed.
 *
 * Every transition is one guarded UPDATE (the state it leaves is in its WHERE), so concurrent or
 * repeated deliveries move an image at most once (a restore racing an emptying of the trash: one of
 * them wins, row by row); the quota changes in the same transaction, through `quota/quotaLedger.ts`.
 * The transitions into `ready` and `failed` record the owner's webhook events (`image.ready`,
 * `image.failed`) in that same transaction.
 */

type ImageRef = { imageId: string; userId: string };

/**
 * An image holds one unit of the image limit from its upload request until it is deleted, except an
 * upload whose bytes were rejected: that reservation was given back when it failed.
 */
export function holdsImageSlot(image: Pick<UserImage, 'status' | 'errorCode'>): boolean {
  return !(image.status === 'failed' && (UPLOAD_REJECTION_CODES as readonly (string | null)[]).includes(image.errorCode));
}

/**
 * A pipeline step may delete an image's outputs (a half-done run, a deleted image) unless the image is
 * `ready`: then the outputs are what the user has, and only a deletion removes them.
 */
export function mayDiscardOutputs(image: Pick<UserImage, 'status'> | null): boolean {
  return image?.status !== 'ready';
}

export type ProcessingCheck = { image: UserImage } | { image?: undefined; stored: UserImage | null; reason: string };

/** The guard of every processing step: the image exists, is not being deleted, and is still `processing`. */
export async function findImageInProcessing(db: Database, ref: ImageRef): Promise<ProcessingCheck> {
  const stored = await db.userImage.findFirst({ where: { id: ref.imageId, userId: ref.userId } });
  if (!stored || stored.deletedAt) return { stored, reason: 'the image was deleted' };
  if (stored.status !== 'processing') return { stored, reason: `the image is ${stored.status}` };
  return { image: stored };
}

// ---------------------------------------------------------------------------------------------------
// Upload

/**
 * pending_upload → queued: the bytes passed the check and were stored; the row takes the checked type,
 * dimensions, the original's name (whose extension follows the checked type) and its SHA-256.
 */
export async function acceptUpload(
  db: Database,
  image: UserImage,
  checked: { fileType: string; width: number; height: number; originalPath: string; sha256: string },
): Promise<UserImage | undefined> {
  const [queued] = await db.userImage.updateManyAndReturn({
    where: { id: image.id, status: 'pending_upload', deletedAt: null },
    data: { status: 'queued', ...checked, uploadExpiresAt: null },
  });
  return queued;
}

/** pending_upload → failed with the verdict; the reservation (bytes and image) is given back. */
export async function rejectUpload(
  db: Database,
  image: UserImage,
  rejection: { code: UploadRejectionCode; message: string },
): Promise<UserImage | undefined> {
  return db.$transaction(async (tx) => {
    const [failed] = await tx.userImage.updateManyAndReturn({
      where: { id: image.id, status: 'pending_upload' },
      data: { status: 'failed', errorCode: rejection.code, errorMessage: rejection.message, storageBytes: 0n, uploadExpiresAt: null },
    });
    if (!failed) return undefined;
    await releaseQuota(tx, { userId: image.userId, storageBytes: image.storageBytes, holdsImageSlot: true });
    await enqueueImageEvent(tx, 'image.failed', failed);
    return failed;
  });
}

/** An upload never completed: its pending row goes with its reservation, unless its bytes arrived meanwhile. */
export async function removeAbandonedUpload(db: Database, image: UserImage): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const { count } = await tx.userImage.deleteMany({ where: { id: image.id, status: 'pending_upload' } });
    if (count === 1) await releaseQuota(tx, { userId: image.userId, storageBytes: image.storageBytes, holdsImageSlot: true });
    return count === 1;
  });
}

// ---------------------------------------------------------------------------------------------------
// Processing

/**
 * queued → processing. An image already `processing` (a re-run after a crash) carries on; a deleted
 * image, or one in another state, is not started.
 */
export async function startProcessing(db: Database, imageId: string, now: Date): Promise<UserImage | undefined> {
  const [image] = await db.userImage.updateManyAndReturn({
    where: { id: imageId, status: { in: ['queued', 'processing'] }, deletedAt: null },
    data: { status: 'processing', processingStartedAt: now, errorCode: null, errorMessage: null },
  });
  return image;
}

export interface Finished {
  /** The real sizes of the original and of every output. */
  originalBytes: number;
  outputBytes: Record<ImageOutputName, number>;
  quality: ImageQuality;
  now: Date;
  /** The owner's earlier image whose outputs were copied instead of being made (same original bytes). */
  duplicateOf?: string;
}

/**
 * processing → ready, recording the outputs; the image's bytes are settled from the reservation to
 * what is stored. Undefined when the image left `processing` (or was deleted) since it was read.
 */
export async function markReady(
  db: Database,
  image: UserImage,
  finished: Finished,
): Promise<{ image: UserImage; quotaCrossings: QuotaCrossing[] } | undefined> {
  const storedBytes = BigInt(finished.originalBytes + Object.values<number>(finished.outputBytes).reduce((sum, bytes) => sum + bytes, 0));
  return db.$transaction(async (tx) => {
    const [ready] = await tx.userImage.updateManyAndReturn({
      where: { id: image.id, status: 'processing', deletedAt: null },
      data: {
        status: 'ready',
        ...outputFields(image.userId, image.id, finished.outputBytes),
        storageBytes: storedBytes,
        quality: finished.quality,
        duplicateOf: finished.duplicateOf ?? null,
        processedAt: finished.now,
        processingTime: image.processingStartedAt ? Math.max(0, finished.now.getTime() - image.processingStartedAt.getTime()) : null,
      },
    });
    if (!ready) return undefined;
    const quotaCrossings = await settleQuota(tx, { userId: image.userId, fromBytes: image.storageBytes, toBytes: storedBytes });
    await enqueueImageEvent(tx, 'image.ready', ready, finished.now);
    return { image: ready, quotaCrossings };
  });
}

/** The states processing can give up from (a run that stopped before or while it worked). */
const FAILABLE: ImageStatus[] = ['queued', 'processing'];

export function mayFail(image: Pick<UserImage, 'status' | 'deletedAt'>): boolean {
  return !image.deletedAt && FAILABLE.includes(image.status);
}

/**
 * queued | processing → failed (`processing_failed`, with the message the user reads). The original
 * is kept, and from now on the image holds only its bytes. False when the image moved on meanwhile.
 */
export async function markFailed(db: Database, image: UserImage, failure: { message: string; originalBytes: number }): Promise<boolean> {
  const originalBytes = BigInt(failure.originalBytes);
  return db.$transaction(async (tx) => {
    const [failed] = await tx.userImage.updateManyAndReturn({
      where: { id: image.id, status: { in: FAILABLE }, deletedAt: null },
      data: {
        status: 'failed',
        errorCode: PROCESSING_FAILED,
        errorMessage: failure.message.slice(0, 1000),
        ...outputFields(image.userId, image.id, null),
        storageBytes: originalBytes,
      },
    });
    if (!failed) return false;
    await settleQuota(tx, { userId: image.userId, fromBytes: image.storageBytes, toBytes: originalBytes });
    await enqueueImageEvent(tx, 'image.failed', failed);
    return true;
  });
}

/**
 * failed → queued, for `POST /api/images/{id}/retry`: only a processing failure (its original was
 * kept); the caller enqueues it. Anything else is a `conflict`.
 */
export async function requeueFailedImage(db: Database, ref: ImageRef): Promise<UserImage> {
  const image = await findOwnedImage(db, ref.userId, ref.imageId);
  if (image.status !== 'failed') throw new AppError('conflict', `Only a failed image can be retried; this one is ${image.status}.`);
  if (image.errorCode === ORIGINAL_MISSING) throw new AppError('conflict', 'The uploaded file was lost from storage; upload it again.');
  if (image.errorCode !== PROCESSING_FAILED) {
    throw new AppError('conflict', `This upload was rejected (${image.errorCode}) and its file deleted; upload the file again.`);
  }
  const [queued] = await db.userImage.updateManyAndReturn({
    where: { id: image.id, userId: ref.userId, status: 'failed', errorCode: PROCESSING_FAILED, ...IN_GALLERY },
    data: { status: 'queued', errorCode: null, errorMessage: null, processingStartedAt: null, processingTime: null },
  });
  if (!queued) throw new AppError('conflict', 'The image changed meanwhile; reload it and try again.');
  return queued;
}

// ---------------------------------------------------------------------------------------------------
// Reconciliation: what storage really holds wins over what the row says

/**
 * ready → queued: an output of a `ready` image is gone but its original is there; the caller enqueues
 * it so that the pipeline makes the outputs again. Until then the image holds its original's bytes.
 */
export async function requeueForRepair(db: Database, image: UserImage, originalBytes: number): Promise<UserImage | undefined> {
  const toBytes = BigInt(originalBytes);
  return db.$transaction(async (tx) => {
    const [queued] = await tx.userImage.updateManyAndReturn({
      where: { id: image.id, status: 'ready', deletedAt: null },
      data: {
        status: 'queued',
        ...outputFields(image.userId, image.id, null),
        storageBytes: toBytes,
        processingStartedAt: null,
        processingTime: null,
      },
    });
    if (!queued) return undefined;
    await settleQuota(tx, { userId: image.userId, fromBytes: image.storageBytes, toBytes });
    return queued;
  });
}

/**
 * ready | failed → failed (`original_missing`): the original is gone, so nothing can be made again and
 * nothing retried; the image holds no bytes from now on (its remaining outputs are the caller's to
 * delete) and stays in the gallery, with its message, until its owner deletes it.
 */
export async function markOriginalMissing(db: Database, image: UserImage): Promise<boolean> {
  if (image.status !== 'ready' && image.status !== 'failed') return false;
  return db.$transaction(async (tx) => {
    const [failed] = await tx.userImage.updateManyAndReturn({
      where: { id: image.id, status: image.status, errorCode: image.errorCode, deletedAt: null },
      data: {
        status: 'failed',
        errorCode: ORIGINAL_MISSING,
        errorMessage: 'The uploaded file was lost from storage. Upload it again.',
        ...outputFields(image.userId, image.id, null),
        storageBytes: 0n,
      },
    });
    if (!failed) return false;
    await settleQuota(tx, { userId: image.userId, fromBytes: image.storageBytes, toBytes: 0n });
    return true;
  });
}

/** A settled image (`ready` or `failed`) holds exactly the bytes its blobs measure; false when it moved on. */
export async function settleStoredBytes(db: Database, image: UserImage, measuredBytes: number): Promise<boolean> {
  const toBytes = BigInt(measuredBytes);
  return db.$transaction(async (tx) => {
    const { count } = await tx.userImage.updateMany({
      where: { id: image.id, status: image.status, storageBytes: image.storageBytes, deletedAt: null },
      data: { storageBytes: toBytes },
    });
    if (count === 0) return false;
    await settleQuota(tx, { userId: image.userId, fromBytes: image.storageBytes, toBytes });
    return true;
  });
}

/**
 * A `ready` image made before previews existed gets the preview reconciliation made from its cut-out:
 * the row records it and holds its bytes, settled into the quota in the same transaction. False when the
 * image changed meanwhile (deleted, reprocessed, given a preview by someone else).
 */
export async function recordAddedPreview(db: Database, image: UserImage, previewBytes: number): Promise<boolean> {
  const toBytes = image.storageBytes + BigInt(previewBytes);
  return db.$transaction(async (tx) => {
    const { count } = await tx.userImage.updateMany({
      where: { id: image.id, status: 'ready', previewPath: null, storageBytes: image.storageBytes, deletedAt: null },
      data: {
        previewPath: IMAGE_OUTPUTS.preview.location(image.userId, image.id).name,
        previewSize: BigInt(previewBytes),
        storageBytes: toBytes,
      },
    });
    if (count === 0) return false;
    await settleQuota(tx, { userId: image.userId, fromBytes: image.storageBytes, toBytes });
    return true;
  });
}

/**
 * A user's counters made again from their image rows: the bytes every row holds, and one image per
 * row that holds a slot (`holdsImageSlot`). Returns the counters before and after.
 */
export async function recountUserQuota(db: Database, userId: string): Promise<QuotaRecount | undefined> {
  const rejections = [...UPLOAD_REJECTION_CODES];
  return db.$transaction(async (tx) =>
    recountQuota(tx, userId, async () => {
      const [held] = await tx.$queryRaw<{ storageBytes: bigint; imageCount: bigint }[]>`
        SELECT COALESCE(SUM(storage_bytes), 0)::bigint AS "storageBytes",
               COUNT(*) FILTER (WHERE NOT (status = 'failed' AND error_code = ANY(${rejections}::text[])))::bigint AS "imageCount"
        FROM user_images WHERE user_id = ${userId}`;
      return { storageUsed: held!.storageBytes, imageCount: Number(held!.imageCount) };
    }),
  );
}

// ---------------------------------------------------------------------------------------------------
// Trash

/**
 * gallery → trash: one UPDATE scoped to the owner takes the images out of the gallery, and their share
 * links are revoked in the same transaction. Returns the ids it moved; one that is missing, someone
 * else's, already in the trash or being deleted is not among them.
 */
export async function moveToTrash(db: Database, request: { userId: string; imageIds: readonly string[]; now: Date }): Promise<string[]> {
  const { userId, now } = request;
  return db.$transaction(async (tx) => {
    const trashed = await tx.$queryRaw<{ id: string }[]>`
      UPDATE user_images SET trashed_at = ${now}
      WHERE user_id = ${userId} AND id = ANY(${[...request.imageIds]}::text[]) AND trashed_at IS NULL AND deleted_at IS NULL
      RETURNING id`;
    const ids = trashed.map((image) => image.id);
    await revokeImageShares(tx, ids, now);
    return ids;
  });
}

/**
 * trash → gallery for exactly these images, or none: when one of them is not in the owner's trash
 * (missing, someone else's, already restored, being deleted) the UPDATE is rolled back and
 * `not_found` lists those ids.
 */
export async function restoreFromTrash(db: Database, request: { userId: string; imageIds: readonly string[] }): Promise<number> {
  const requested = [...new Set(request.imageIds)];
  return db.$transaction(async (tx) => {
    const restored = await tx.$queryRaw<{ id: string }[]>`
      UPDATE user_images SET trashed_at = NULL
      WHERE user_id = ${request.userId} AND id = ANY(${requested}::text[]) AND trashed_at IS NOT NULL AND deleted_at IS NULL
      RETURNING id`;
    if (restored.length < requested.length) {
      const restoredIds = new Set(restored.map((image) => image.id));
      const notFound = requested.filter((id) => !restoredIds.has(id));
      throw new AppError('not_found', `${notFound.length} of these images are not in your trash; none was restored.`, {
        details: { notFound },
      });
    }
    return restored.length;
  });
}

/** trash → gallery for the owner's whole trash in one UPDATE, however large: no row is loaded. */
export async function restoreWholeTrash(db: Database, userId: string): Promise<number> {
  return db.$executeRaw`
    UPDATE user_images SET trashed_at = NULL
    WHERE user_id = ${userId} AND trashed_at IS NOT NULL AND deleted_at IS NULL`;
}

// ---------------------------------------------------------------------------------------------------
// Deletion

type MarkedImage = Pick<UserImage, 'id' | 'userId' | 'originalPath'>;

/**
 * The first half of a deletion: one UPDATE, scoped to the owner, hides the images at once and records
 * the intent. Returns the images it marked (missing and someone else's are not told apart). With
 * `onlyTrashed`, only images in the trash (or already being deleted from it) are marked. An image
 * already being deleted is marked again, so that repeating a failed request finishes it.
 */
export async function markDeleted(
  db: Database,
  request: { userId: string; imageIds: readonly string[]; now: Date; onlyTrashed?: boolean },
): Promise<MarkedImage[]> {
  return db.userImage.updateManyAndReturn({
    where: { userId: request.userId, id: { in: [...request.imageIds] }, ...(request.onlyTrashed ? { trashedAt: { not: null } } : {}) },
    data: { deletedAt: request.now },
    select: { id: true, userId: true, originalPath: true },
  });
}

/**
 * trash → deleted for the owner's whole trash in one UPDATE, however large (no row is loaded); the
 * two-phase deletion then finishes them in batches (`trash/emptyTrash.ts`, then the `image-deletions`
 * queue, `finishUserImageDeletions.ts`; the clean-up timer for what a failure left).
 * Returns how many it marked.
 */
export async function markTrashDeleted(db: Database, request: { userId: string; now: Date }): Promise<number> {
  const { count } = await db.userImage.updateMany({
    where: { userId: request.userId, ...IN_TRASH },
    data: { deletedAt: request.now },
  });
  return count;
}

/**
 * trash → deleted for at most `limit` images of any user trashed before `trashedBefore`, oldest first.
 * Rows a concurrent restore or deletion holds are skipped (the next run sees them again).
 */
export async function markExpiredTrashDeleted(
  db: Database,
  request: { trashedBefore: Date; limit: number; now: Date },
): Promise<MarkedImage[]> {
  return db.$queryRaw<MarkedImage[]>`
    UPDATE user_images SET deleted_at = ${request.now}
    WHERE id IN (
      SELECT id FROM user_images
      WHERE trashed_at < ${request.trashedBefore} AND deleted_at IS NULL
      ORDER BY trashed_at
      LIMIT ${request.limit}
      FOR UPDATE SKIP LOCKED)
    RETURNING id, user_id AS "userId", original_path AS "originalPath"`;
}

interface RemovedImage {
  id: string;
  userId: string;
  storageBytes: bigint;
  status: ImageStatus;
  errorCode: string | null;
}

/**
 * The end of a deletion, once the blobs are gone: the marked rows go and give back what they held.
 * Returns the ids it removed; a row another call already removed is simply not among them.
 */
export async function removeDeletedImages(db: Database, userId: string, imageIds: string[]): Promise<string[]> {
  return db.$transaction(async (tx) => {
    // DELETE … RETURNING reads each row's bytes as it removes it, so a concurrent finalisation that
    // changed them is given back exactly.
    const removed = await tx.$queryRaw<RemovedImage[]>`
      DELETE FROM user_images
      WHERE id = ANY(${imageIds}::text[]) AND user_id = ${userId} AND deleted_at IS NOT NULL
      RETURNING id, user_id AS "userId", storage_bytes AS "storageBytes", status, error_code AS "errorCode"`;
    if (removed.length > 0) {
      await releaseQuotaOfImages(tx, {
        userId,
        storageBytes: removed.reduce((sum, image) => sum + image.storageBytes, 0n),
        imageSlots: removed.filter(holdsImageSlot).length,
      });
    }
    return removed.map((image) => image.id);
  });
}
