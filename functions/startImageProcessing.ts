import { app } from '@azure/functions';
import * as df from 'durable-functions';
import { z } from 'zod';
import { validate } from '../shared/http/parseInput.js';
import { eventLogFor } from '../shared/observability/eventLog.js';
import { timePipelineStep } from '../shared/observability/timePipelineStep.js';
import { startProcessingOnce } from '../shared/processing/startProcessingOnce.js';
import { PROCESSING_QUEUE } from '../shared/storage/blobPaths.js';
import { imageIdSchema } from '../shared/images/imageSchemas.js';

const processingMessageSchema = z.object({ imageId: imageIdSchema });

/** One message per accepted upload (or retry): start its orchestration, once. */
app.storageQueue('startImageProcessing', {
  queueName: PROCESSING_QUEUE,
  connection: 'DataStorage',
  extraInputs: [df.input.durableClient()],
  handler: async (message, context) => {
    const { imageId } = validate(processingMessageSchema, message, 'processing message');
    await timePipelineStep(eventLogFor(context), { step: 'startOrchestration', imageId }, async () => ({
      outcome: await startProcessingOnce(df.getClient(context), { imageId }),
    }));
  },
});
