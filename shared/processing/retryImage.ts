import type { Database, UserImage } from '../db/index.js';
import { AppError } from '../errors.js';
import { findOwnedImage } from '../images/findOwnedImage.js';
import { PROCESSING_FAILED } from '../images/imageErrors.js';

export interface RetryImageOptions {
  db: Database;
  userId: string;
  imageId: string;
}

/**
 * `POST /api/images/{id}/retry`: a `failed` image whose original was kept goes back to `queued`; the
 * caller enqueues it. Anything else is a `conflict`.
 */
export async function retryImage(options: RetryImageOptions): Promise<UserImage> {
  const image = await findOwnedImage(options.db, options.userId, options.imageId);
  if (image.status !== 'failed') throw new AppError('conflict', `Only a failed image can be retried; this one is ${image.status}.`);
  if (image.errorCode !== PROCESSING_FAILED) {
    throw new AppError('conflict', `This upload was rejected (${image.errorCode}) and its file deleted; upload the file again.`);
  }
  const [queued] = await options.db.userImage.updateManyAndReturn({
    where: { id: image.id, userId: options.userId, status: 'failed', errorCode: PROCESSING_FAILED },
    data: { status: 'queued', errorCode: null, errorMessage: null, processingStartedAt: null, processingTime: null },
  });
  if (!queued) throw new AppError('conflict', 'The image changed meanwhile; reload it and try again.');
  return queued;
}
