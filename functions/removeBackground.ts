import * as df from 'durable-functions';
import { eventLogFor } from '../shared/observability/eventLog.js';
import { timePipelineStep } from '../shared/observability/timePipelineStep.js';
import { removeBackground } from '../shared/processing/removeBackground.js';
import type { ImageStep } from '../shared/processing/imageStep.js';
import { getServices } from '../shared/services.js';

df.app.activity('removeBackground', {
  handler: (input: ImageStep, context) => {
    const { db, blobs, config } = getServices();
    return timePipelineStep(eventLogFor(context), { step: 'removeBackground', ...input }, () =>
      removeBackground({ db, blobs, remover: config.remover, readLinkTtlMinutes: config.sas.removerTtlMinutes, ...input }),
    );
  },
});
