import * as df from 'durable-functions';
import { eventLogFor } from '../shared/observability/eventLog.js';
import { timePipelineStep } from '../shared/observability/timePipelineStep.js';
import { makeThumbnail } from '../shared/processing/makeThumbnail.js';
import type { ImageStep } from '../shared/processing/imageStep.js';
import { getServices } from '../shared/services.js';

df.app.activity('makeThumbnail', {
  handler: (input: ImageStep, context) => {
    const { db, blobs, config } = getServices();
    return timePipelineStep(eventLogFor(context), { step: 'makeThumbnail', ...input }, () =>
      makeThumbnail({ db, blobs, maxInputPixels: config.limits.maxInputPixels, ...input }),
    );
  },
});
