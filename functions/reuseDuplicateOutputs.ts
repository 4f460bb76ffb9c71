import * as df from 'durable-functions';
import { eventLogFor } from '../shared/observability/eventLog.js';
import { PIPELINE_STEPS, type StepInput } from '../shared/pipeline/pipelineContract.js';
import { reuseDuplicateOutputs } from '../shared/pipeline/reuseDuplicateOutputs.js';
import { timePipelineStep } from '../shared/pipeline/timePipelineStep.js';
import { getServices } from '../shared/services.js';

const step = PIPELINE_STEPS.reuseDuplicateOutputs;

df.app.activity(step, {
  handler: (input: StepInput<typeof step>, context) => {
    const { db, blobs } = getServices();
    const log = eventLogFor(context);
    return timePipelineStep(log, step, input, () => reuseDuplicateOutputs({ db, blobs, log, ...input }));
  },
});
