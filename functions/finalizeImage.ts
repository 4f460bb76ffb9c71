import * as df from 'durable-functions';
import { eventLogFor } from '../shared/observability/eventLog.js';
import { timePipelineStep } from '../shared/pipeline/timePipelineStep.js';
import { finalizeImage } from '../shared/pipeline/finalizeImage.js';
import { PIPELINE_STEPS, type StepInput } from '../shared/pipeline/pipelineContract.js';
import { getServices } from '../shared/services.js';
import { wakeWebhookDispatcherFor } from '../shared/webhooks/webhookDispatcherQueue.js';

const step = PIPELINE_STEPS.finalizeImage;

df.app.activity(step, {
  handler: async (input: StepInput<typeof step>, context) => {
    const { db, blobs, webhookDispatcher } = getServices();
    const log = eventLogFor(context);
    const result = await timePipelineStep(log, step, { imageId: input.imageId, userId: input.userId }, () =>
      finalizeImage({ db, blobs, log, ...input }),
    );
    // Ready: its `image.ready` (and any `quota.warning`) deliveries were recorded with it.
    if (result.outcome === 'ok') await wakeWebhookDispatcherFor({ db, queue: webhookDispatcher, log }, input.userId);
    return result;
  },
});
