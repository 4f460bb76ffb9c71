import { app, output } from '@azure/functions';
import { eventLogFor } from '../shared/observability/eventLog.js';
import { timeEvent } from '../shared/observability/timeEvent.js';
import { processingMessage } from '../shared/pipeline/pipelineContract.js';
import { reconcileStorage } from '../shared/reconciliation/reconcileStorage.js';
import { getServices } from '../shared/services.js';
import { PROCESSING_QUEUE } from '../shared/storage/blobPaths.js';

const processingQueue = output.storageQueue({ queueName: PROCESSING_QUEUE, connection: 'DataStorage' });

/**
 * Every 30 minutes: storage and the database made to agree (orphan blobs, lost outputs or originals,
 * stalled runs, previews of images made before previews existed, the quota counters), one bounded batch per run; images to make again are enqueued.
 */
app.timer('reconcileStorage', {
  schedule: '0 */30 * * * *',
  extraOutputs: [processingQueue],
  handler: async (_timer, context) => {
    const { db, blobs, config } = getServices();
    const log = eventLogFor(context);
    const { toProcess } = await timeEvent(log, 'clean_up_task', { task: 'reconcileStorage' }, () =>
      reconcileStorage({ db, blobs, log, ...config.reconciliation, maxPixels: config.limits.maxInputPixels }),
    );
    if (toProcess.length > 0) context.extraOutputs.set(processingQueue, toProcess.map(processingMessage));
  },
});
