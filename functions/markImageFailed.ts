import * as df from 'durable-functions';
import { eventLogFor } from '../shared/observability/eventLog.js';
import { timePipelineStep } from '../shared/observability/timePipelineStep.js';
import { markImageFailed } from '../shared/processing/markImageFailed.js';
import { getServices } from '../shared/services.js';

df.app.activity('markImageFailed', {
  handler: (input: { imageId: string; userId: string; message: string }, context) => {
    const { db, blobs } = getServices();
    return timePipelineStep(eventLogFor(context), { step: 'markImageFailed', imageId: input.imageId, userId: input.userId }, () =>
      markImageFailed({ db, blobs, ...input }),
    );
  },
});
