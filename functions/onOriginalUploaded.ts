import { app, output } from '@azure/functions';
import { eventLogFor } from '../shared/observability/eventLog.js';
import { timePipelineStep } from '../shared/pipeline/timePipelineStep.js';
import { PIPELINE_STEPS, processingMessage } from '../shared/pipeline/pipelineContract.js';
import { getServices } from '../shared/services.js';
import { CONTAINERS, parseBlobName, PROCESSING_QUEUE } from '../shared/storage/blobPaths.js';
import { checkUploadedOriginal } from '../shared/uploads/checkUploadedOriginal.js';
import { wakeWebhookDispatcherFor } from '../shared/webhooks/webhookDispatcherQueue.js';

const processingQueue = output.storageQueue({ queueName: PROCESSING_QUEUE, connection: 'DataStorage' });

/** A browser finished a direct upload to the intake: judge the bytes, store them as the original, queue the image. */
app.storageBlob('onOriginalUploaded', {
  path: `${CONTAINERS.uploads}/{name}`,
  connection: 'DataStorage',
  // Flex Consumption delivers blob events only through Event Grid.
  source: 'EventGrid',
  extraOutputs: [processingQueue],
  handler: async (content, context) => {
    const { db, blobs, config, webhookDispatcher } = getServices();
    const log = eventLogFor(context);
    const name = context.triggerMetadata?.name;
    const blobName = typeof name === 'string' ? name : '';
    const ids = parseBlobName({ container: CONTAINERS.uploads, name: blobName });
    const result = await timePipelineStep(log, PIPELINE_STEPS.checkOriginal, ids ?? {}, () =>
      checkUploadedOriginal({ db, blobs, maxInputPixels: config.limits.maxInputPixels, blobName, content: content as Buffer }),
    );
    if (result.outcome === 'ok') context.extraOutputs.set(processingQueue, processingMessage(result.image.id));
    // Rejected: its `image.failed` delivery was recorded with it.
    if (result.outcome === 'failed' && ids) await wakeWebhookDispatcherFor({ db, queue: webhookDispatcher, log }, ids.userId);
  },
});
