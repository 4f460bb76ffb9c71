import * as df from 'durable-functions';
import { eventLogFor } from '../shared/observability/eventLog.js';
import { timePipelineStep } from '../shared/observability/timePipelineStep.js';
import { removeBackground } from '../shared/processing/removeBackground.js';
import { getServices } from '../shared/services.js';

df.app.activity('removeBackground', {
  handler: (imageId: string, context) => {
    const { db, blobs, config } = getServices();
    return timePipelineStep(eventLogFor(context), { step: 'removeBackground', imageId }, () =>
      removeBackground({ db, blobs, remover: config.remover, imageId }),
    );
  },
});
