import * as df from 'durable-functions';
import { EXPORT_STEPS, type FailExportInput } from '../shared/exports/exportContract.js';
import { failExport } from '../shared/exports/failExport.js';
import { eventLogFor } from '../shared/observability/eventLog.js';
import { timeEvent } from '../shared/observability/timeEvent.js';
import { getServices } from '../shared/services.js';

const step = EXPORT_STEPS.failExport;

df.app.activity(step, {
  handler: (input: FailExportInput, context) =>
    timeEvent(eventLogFor(context), 'export_step', { step, exportId: input.exportId }, () =>
      failExport({ db: getServices().db, ...input }),
    ),
});
