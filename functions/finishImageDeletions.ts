import { app, output } from '@azure/functions';
import { validate } from '../shared/http/parseInput.js';
import { finishUserImageDeletions, imageDeletionMessage, imageDeletionMessageSchema } from '../shared/images/finishUserImageDeletions.js';
import { getServices } from '../shared/services.js';
import { IMAGE_DELETION_QUEUE } from '../shared/storage/blobPaths.js';

const imageDeletionQueue = output.storageQueue({ queueName: IMAGE_DELETION_QUEUE, connection: 'DataStorage' });

/**
 * An emptied trash too large to finish before the reply: one batch per message, and the next message
 * queued while the user has more. A blob that could not be deleted fails the run, so that the host
 * tries the message again (and, after 5 tries, the clean-up timer's `purgeDeletedImages` takes over).
 */
app.storageQueue('finishImageDeletions', {
  queueName: IMAGE_DELETION_QUEUE,
  connection: 'DataStorage',
  extraOutputs: [imageDeletionQueue],
  handler: async (message, context) => {
    const { db, blobs } = getServices();
    const { userId } = validate(imageDeletionMessageSchema, message, 'image deletion message');
    const { finished, pending, more } = await finishUserImageDeletions({ db, blobs, userId });
    if (finished.length > 0) context.log(`Finished ${finished.length} image deletions of an emptied trash.`);
    if (pending.length > 0) {
      throw new Error(`${pending.length} image deletions could not be finished: ${describe(pending[0]!.error)}`);
    }
    if (more) context.extraOutputs.set(imageDeletionQueue, imageDeletionMessage(userId));
  },
});

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
