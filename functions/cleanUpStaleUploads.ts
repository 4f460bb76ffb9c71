import { app } from '@azure/functions';
import { eventLogFor } from '../shared/observability/eventLog.js';
import { timePipelineStep } from '../shared/observability/timePipelineStep.js';
import { getServices } from '../shared/services.js';
import { removeStalePendingUploads } from '../shared/uploads/removeStalePendingUploads.js';

/** Every 15 minutes: abandoned uploads give their reservation back. */
app.timer('cleanUpStaleUploads', {
  schedule: '0 */15 * * * *',
  handler: async (_timer, context) => {
    const { db, blobs, config } = getServices();
    await timePipelineStep(eventLogFor(context), { step: 'cleanUpStaleUploads' }, () =>
      removeStalePendingUploads({ db, blobs, graceHours: config.limits.pendingUploadGraceHours }),
    );
  },
});
