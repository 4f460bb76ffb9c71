import * as df from 'durable-functions';
import { eventLogFor } from '../shared/observability/eventLog.js';
import { PIPELINE_STEPS, type StepInput } from '../shared/pipeline/pipelineContract.js';
import { reuseDuplicateOutputs } from '../shared/pipeline/reuseDuplicateOutputs.js';
import { timePipelineStep } from '../shared/pipeline/timePipelineStep.js';
import { getServices } from '../shared/services.js';
import { wakeWebhookDispatcherFor } from '../shared/webhooks/webhookDispatcherQueue.js';

const step = PIPELINE_STEPS.reuseDuplicateOutputs;

df.app.activity(step, {
  handler: async (input: StepInput<typeof step>, context) => {
    const { db, blobs, webhookDispatcher } = getServices();
    const log = eventLogFor(context);
    const result = await timePipelineStep(log, step, input, () => reuseDuplicateOutputs({ db, blobs, log, ...input }));
    // Ready from copies: its `image.ready` (and any `quota.warning`) deliveries were recorded with it.
    if (result.outcome === 'ok' && result.duplicateOf) await wakeWebhookDispatcherFor({ db, queue: webhookDispatcher, log }, input.userId);
    return result;
  },
});
