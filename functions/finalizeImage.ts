import * as df from 'durable-functions';
import { eventLogFor } from '../shared/observability/eventLog.js';
import { timePipelineStep } from '../shared/observability/timePipelineStep.js';
import { finalizeImage } from '../shared/processing/finalizeImage.js';
import type { CutoutQuality } from '../shared/processing/requestCutout.js';
import { getServices } from '../shared/services.js';

df.app.activity('finalizeImage', {
  handler: (input: { imageId: string; userId: string; quality: CutoutQuality }, context) => {
    const { db, blobs } = getServices();
    const log = eventLogFor(context);
    return timePipelineStep(log, { step: 'finalizeImage', imageId: input.imageId, userId: input.userId }, () =>
      finalizeImage({ db, blobs, log, ...input }),
    );
  },
});
