import { z } from 'zod';
import { USER_ID_PATTERN } from '../auth/userIdPattern.js';
import type { Database } from '../db/index.js';
import type { BlobStore } from '../storage/blobStore.js';
import { finishImageDeletions, type FinishedImageDeletions } from './finishImageDeletions.js';

/** A message of IMAGE_DELETION_QUEUE: this user has images marked as being deleted that are left to finish. */
export const imageDeletionMessageSchema = z.object({ userId: z.string().regex(USER_ID_PATTERN) });
export type ImageDeletionMessage = z.infer<typeof imageDeletionMessageSchema>;

export function imageDeletionMessage(userId: string): ImageDeletionMessage {
  return { userId };
}

/** Images one run finishes: about a minute of blob deletions, well inside a queue invocation's time. */
const BATCH_SIZE = 500;

export interface FinishUserImageDeletionsOptions {
  db: Database;
  blobs: BlobStore;
  userId: string;
  batchSize?: number;
}

/**
 * One batch of an emptied trash (or any of the user's deletions left to finish), for the
 * `image-deletions` queue: the user's marked images, oldest mark first, through the two-phase
 * `finishImageDeletions`, so that blobs go before rows and each row's bytes are given back once, by the
 * DELETE that removes it (a run racing the clean-up timer or another run over the same images frees
 * nothing twice). `more` when the batch was full: the caller queues the next one. A run that dies
 * part-way leaves its images marked, and the next run, or the clean-up timer, finishes them.
 */
export async function finishUserImageDeletions(
  options: FinishUserImageDeletionsOptions,
): Promise<FinishedImageDeletions & { more: boolean }> {
  const batchSize = options.batchSize ?? BATCH_SIZE;
  const images = await options.db.userImage.findMany({
    where: { userId: options.userId, deletedAt: { not: null } },
    orderBy: [{ deletedAt: 'asc' }, { id: 'asc' }],
    take: batchSize,
    select: { id: true, userId: true, originalPath: true },
  });
  const finished = await finishImageDeletions({ db: options.db, blobs: options.blobs, images });
  return { ...finished, more: images.length === batchSize };
}
