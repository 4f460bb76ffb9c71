import * as df from 'durable-functions';
import { EXPORT_STEPS, type ExportStepInput } from '../shared/exports/exportContract.js';
import { planExport } from '../shared/exports/planExport.js';
import { eventLogFor } from '../shared/observability/eventLog.js';
import { timeEvent } from '../shared/observability/timeEvent.js';
import { getServices } from '../shared/services.js';

const step = EXPORT_STEPS.planExport;

df.app.activity(step, {
  handler: (input: ExportStepInput, context) =>
    timeEvent(
      eventLogFor(context),
      'export_step',
      { step, ...input },
      () => planExport({ db: getServices().db, ...input }),
      (result) => result,
    ),
});
