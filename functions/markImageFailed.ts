import * as df from 'durable-functions';
import { eventLogFor } from '../shared/observability/eventLog.js';
import { timePipelineStep } from '../shared/pipeline/timePipelineStep.js';
import { markImageFailed } from '../shared/pipeline/markImageFailed.js';
import { PIPELINE_STEPS, type StepInput } from '../shared/pipeline/pipelineContract.js';
import { getServices } from '../shared/services.js';

const step = PIPELINE_STEPS.markImageFailed;

df.app.activity(step, {
  handler: (input: StepInput<typeof step>, context) => {
    const { db, blobs } = getServices();
    return timePipelineStep(eventLogFor(context), step, { imageId: input.imageId, userId: input.userId }, () =>
      markImageFailed({ db, blobs, ...input }),
    );
  },
});
