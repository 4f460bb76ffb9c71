import * as df from 'durable-functions';
import { eventLogFor } from '../shared/observability/eventLog.js';
import { timePipelineStep } from '../shared/pipeline/timePipelineStep.js';
import { makeThumbnail } from '../shared/pipeline/makeThumbnail.js';
import { PIPELINE_STEPS, type StepInput } from '../shared/pipeline/pipelineContract.js';
import { getServices } from '../shared/services.js';

const step = PIPELINE_STEPS.makeThumbnail;

df.app.activity(step, {
  handler: (input: StepInput<typeof step>, context) => {
    const { db, blobs, config } = getServices();
    return timePipelineStep(eventLogFor(context), step, input, () =>
      makeThumbnail({ db, blobs, maxInputPixels: config.limits.maxInputPixels, ...input }),
    );
  },
});
