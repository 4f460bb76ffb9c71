import * as df from 'durable-functions';
import { DEFAULT_EXPORT_WRITE, EXPORT_STEPS, type ExportStepInput } from '../shared/exports/exportContract.js';
import { finishExport } from '../shared/exports/finishExport.js';
import { eventLogFor } from '../shared/observability/eventLog.js';
import { timeEvent } from '../shared/observability/timeEvent.js';
import { getServices } from '../shared/services.js';

const step = EXPORT_STEPS.finishExport;

df.app.activity(step, {
  handler: (input: ExportStepInput, context) => {
    const { db, blobs, config } = getServices();
    return timeEvent(
      eventLogFor(context),
      'export_step',
      { step, ...input },
      () => finishExport({ db, blobs, settings: DEFAULT_EXPORT_WRITE, ttlHours: config.exports.ttlHours, ...input }),
      (result) => result,
    );
  },
});
