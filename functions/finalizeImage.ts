import * as df from 'durable-functions';
import { eventLogFor } from '../shared/observability/eventLog.js';
import { timePipelineStep } from '../shared/pipeline/timePipelineStep.js';
import { finalizeImage } from '../shared/pipeline/finalizeImage.js';
import { PIPELINE_STEPS, type StepInput } from '../shared/pipeline/pipelineContract.js';
import { getServices } from '../shared/services.js';

const step = PIPELINE_STEPS.finalizeImage;

df.app.activity(step, {
  handler: (input: StepInput<typeof step>, context) => {
    const { db, blobs } = getServices();
    const log = eventLogFor(context);
    return timePipelineStep(log, step, { imageId: input.imageId, userId: input.userId }, () => finalizeImage({ db, blobs, log, ...input }));
  },
});
