import * as df from 'durable-functions';
import { eventLogFor } from '../shared/observability/eventLog.js';
import { timePipelineStep } from '../shared/pipeline/timePipelineStep.js';
import { markProcessing } from '../shared/pipeline/markProcessing.js';
import { PIPELINE_STEPS, type StepInput } from '../shared/pipeline/pipelineContract.js';
import { getServices } from '../shared/services.js';

const step = PIPELINE_STEPS.markProcessing;

df.app.activity(step, {
  handler: (input: StepInput<typeof step>, context) =>
    timePipelineStep(eventLogFor(context), step, input, () => markProcessing({ db: getServices().db, ...input })),
});
