import * as df from 'durable-functions';
import { eventLogFor } from '../shared/observability/eventLog.js';
import { timePipelineStep } from '../shared/pipeline/timePipelineStep.js';
import { markImageFailed } from '../shared/pipeline/markImageFailed.js';
import { PIPELINE_STEPS, type StepInput } from '../shared/pipeline/pipelineContract.js';
import { getServices } from '../shared/services.js';
import { wakeWebhookDispatcherFor } from '../shared/webhooks/webhookDispatcherQueue.js';

const step = PIPELINE_STEPS.markImageFailed;

df.app.activity(step, {
  handler: async (input: StepInput<typeof step>, context) => {
    const { db, blobs, webhookDispatcher } = getServices();
    const log = eventLogFor(context);
    const result = await timePipelineStep(log, step, { imageId: input.imageId, userId: input.userId }, () =>
      markImageFailed({ db, blobs, ...input }),
    );
    // Failed: its `image.failed` delivery was recorded with it.
    if (result.outcome === 'ok') await wakeWebhookDispatcherFor({ db, queue: webhookDispatcher, log }, input.userId);
    return result;
  },
});
