import { app } from '@azure/functions';
import * as df from 'durable-functions';
import { validate } from '../shared/http/parseInput.js';
import { eventLogFor } from '../shared/observability/eventLog.js';
import { timePipelineStep } from '../shared/pipeline/timePipelineStep.js';
import { PIPELINE_STEPS, processingMessageSchema } from '../shared/pipeline/pipelineContract.js';
import { startProcessingOnce } from '../shared/pipeline/startProcessingOnce.js';
import { PROCESSING_QUEUE } from '../shared/storage/blobPaths.js';

/** One message per accepted upload (or retry): start its orchestration, once. */
app.storageQueue('startImageProcessing', {
  queueName: PROCESSING_QUEUE,
  connection: 'DataStorage',
  extraInputs: [df.input.durableClient()],
  handler: async (message, context) => {
    const { imageId } = validate(processingMessageSchema, message, 'processing message');
    await timePipelineStep(eventLogFor(context), PIPELINE_STEPS.startOrchestration, { imageId }, () =>
      startProcessingOnce(df.getClient(context), { imageId }),
    );
  },
});
