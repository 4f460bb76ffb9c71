import { app } from '@azure/functions';
import { forgetEndedExports } from '../shared/exports/forgetEndedExports.js';
import { removeExpiredExports } from '../shared/exports/removeExpiredExports.js';
import { purgeDeletedImages } from '../shared/images/purgeDeletedImages.js';
import { eventLogFor } from '../shared/observability/eventLog.js';
import { timeEvent } from '../shared/observability/timeEvent.js';
import { getServices } from '../shared/services.js';
import { removeDeadShareLinks } from '../shared/sharing/removeDeadShareLinks.js';
import { purgeExpiredTrash } from '../shared/trash/purgeExpiredTrash.js';
import { removeStalePendingUploads } from '../shared/uploads/removeStalePendingUploads.js';
import { removeOldDeliveries } from '../shared/webhooks/removeOldDeliveries.js';

/**
 * Every 15 minutes: abandoned uploads give their reservation back, images in the trash past
 * TRASH_RETENTION_DAYS are deleted for good (a batch per run), deletions that a failure left half done
 * (or an emptied trash left for later) are finished, expired exports lose their archive, exports that
 * ended 30 days ago are forgotten, and share links and settled webhook deliveries long past are dropped. Each task logs a `clean_up_task` event.
 */
app.timer('cleanUp', {
  schedule: '0 */15 * * * *',
  handler: async (_timer, context) => {
    const { db, blobs, config } = getServices();
    const log = eventLogFor(context);
    await timeEvent(log, 'clean_up_task', { task: 'removeStalePendingUploads' }, () =>
      removeStalePendingUploads({ db, blobs, graceHours: config.limits.pendingUploadGraceHours }),
    );
    const expired = await timeEvent(log, 'clean_up_task', { task: 'purgeExpiredTrash' }, () =>
      purgeExpiredTrash({ db, blobs, retentionDays: config.trash.retentionDays }),
    );
    if (expired.finished.length > 0) context.log(`Deleted ${expired.finished.length} images past their time in the trash.`);
    const { finished, pending } = await timeEvent(log, 'clean_up_task', { task: 'purgeDeletedImages' }, () =>
      purgeDeletedImages({ db, blobs }),
    );
    for (const { id, error } of [...expired.pending, ...pending]) {
      context.warn(`Image ${id} is still being deleted: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (finished.length > 0) context.log(`Finished ${finished.length} interrupted image deletions.`);
    await timeEvent(
      log,
      'clean_up_task',
      { task: 'removeExpiredExports' },
      () => removeExpiredExports({ db, blobs }),
      (removed) => ({ removed: removed.length }),
    );
    await timeEvent(
      log,
      'clean_up_task',
      { task: 'forgetEndedExports' },
      () => forgetEndedExports({ db }),
      (removed) => ({ removed }),
    );
    await timeEvent(log, 'clean_up_task', { task: 'removeDeadShareLinks' }, () => removeDeadShareLinks({ db }));
    await timeEvent(log, 'clean_up_task', { task: 'removeOldDeliveries' }, () => removeOldDeliveries({ db }));
  },
});
