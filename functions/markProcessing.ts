import * as df from 'durable-functions';
import { eventLogFor } from '../shared/observability/eventLog.js';
import { timePipelineStep } from '../shared/observability/timePipelineStep.js';
import { markProcessing } from '../shared/processing/markProcessing.js';
import { getServices } from '../shared/services.js';

df.app.activity('markProcessing', {
  handler: (imageId: string, context) =>
    timePipelineStep(eventLogFor(context), { step: 'markProcessing', imageId }, () => markProcessing({ db: getServices().db, imageId })),
});
