import * as df from 'durable-functions';
import { DEFAULT_EXPORT_WRITE, EXPORT_STEPS, type ExportStepInput } from '../shared/exports/exportContract.js';
import { writeExportChunk } from '../shared/exports/writeExportChunk.js';
import { eventLogFor } from '../shared/observability/eventLog.js';
import { timeEvent } from '../shared/observability/timeEvent.js';
import { getServices } from '../shared/services.js';

const step = EXPORT_STEPS.writeExportChunk;

df.app.activity(step, {
  handler: (input: ExportStepInput, context) => {
    const { db, blobs } = getServices();
    return timeEvent(
      eventLogFor(context),
      'export_step',
      { step, ...input },
      () => writeExportChunk({ db, blobs, settings: DEFAULT_EXPORT_WRITE, ...input }),
      (result) => result,
    );
  },
});
