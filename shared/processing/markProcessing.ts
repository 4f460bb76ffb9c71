import type { Database } from '../db/index.js';

export interface MarkProcessingOptions {
  db: Database;
  imageId: string;
  now?: Date;
}

export type ProcessingStart = { started: true; userId: string } | { started: false; reason: string };

/**
 * First step of the orchestration: `queued` → `processing`. An image that was deleted or is in another
 * state meanwhile is an expected miss, reported rather than thrown. A re-run after a crash finds it
 * already `processing` and carries on.
 */
export async function markProcessing(options: MarkProcessingOptions): Promise<ProcessingStart> {
  const [image] = await options.db.userImage.updateManyAndReturn({
    where: { id: options.imageId, status: { in: ['queued', 'processing'] }, deletedAt: null },
    data: { status: 'processing', processingStartedAt: options.now ?? new Date(), errorCode: null, errorMessage: null },
  });
  if (!image) return { started: false, reason: 'the image is gone or not queued' };
  return { started: true, userId: image.userId };
}
