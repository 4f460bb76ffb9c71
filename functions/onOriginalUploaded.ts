import { app, output } from '@azure/functions';
import { eventLogFor } from '../shared/observability/eventLog.js';
import { timePipelineStep } from '../shared/pipeline/timePipelineStep.js';
import { PIPELINE_STEPS, processingMessage } from '../shared/pipeline/pipelineContract.js';
import { getServices } from '../shared/services.js';
import { CONTAINERS, parseOriginalBlobName, PROCESSING_QUEUE } from '../shared/storage/blobPaths.js';
import { checkUploadedOriginal } from '../shared/uploads/checkUploadedOriginal.js';

const processingQueue = output.storageQueue({ queueName: PROCESSING_QUEUE, connection: 'DataStorage' });

/** A browser finished a direct upload: judge the bytes, then queue the image for processing. */
app.storageBlob('onOriginalUploaded', {
  path: `${CONTAINERS.originals}/{name}`,
  connection: 'DataStorage',
  // Flex Consumption delivers blob events only through Event Grid.
  source: 'EventGrid',
  extraOutputs: [processingQueue],
  handler: async (content, context) => {
    const { db, blobs, config } = getServices();
    const name = context.triggerMetadata?.name;
    const blobName = typeof name === 'string' ? name : '';
    const result = await timePipelineStep(eventLogFor(context), PIPELINE_STEPS.checkOriginal, parseOriginalBlobName(blobName) ?? {}, () =>
      checkUploadedOriginal({ db, blobs, maxInputPixels: config.limits.maxInputPixels, blobName, content: content as Buffer }),
    );
    if (result.outcome === 'ok') context.extraOutputs.set(processingQueue, processingMessage(result.image.id));
  },
});
