import * as df from 'durable-functions';
import { eventLogFor } from '../shared/observability/eventLog.js';
import { timePipelineStep } from '../shared/pipeline/timePipelineStep.js';
import { cutOutBackground } from '../shared/pipeline/cutOutBackground.js';
import { PIPELINE_STEPS, type StepInput } from '../shared/pipeline/pipelineContract.js';
import { getServices } from '../shared/services.js';

const step = PIPELINE_STEPS.cutOutBackground;

df.app.activity(step, {
  handler: (input: StepInput<typeof step>, context) => {
    const { db, blobs, config } = getServices();
    return timePipelineStep(eventLogFor(context), step, input, () =>
      cutOutBackground({
        db,
        blobs,
        remover: config.remover,
        readLinkTtlMinutes: config.sas.removerTtlMinutes,
        maxInputPixels: config.limits.maxInputPixels,
        ...input,
      }),
    );
  },
});
