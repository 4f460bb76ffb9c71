import * as df from 'durable-functions';
import { EXPORT_STEPS, type FailExportInput } from '../shared/exports/exportContract.js';
import { failExport } from '../shared/exports/failExport.js';
import { eventLogFor } from '../shared/observability/eventLog.js';
import { timeEvent } from '../shared/observability/timeEvent.js';
import { getServices } from '../shared/services.js';
import { wakeWebhookDispatcher } from '../shared/webhooks/webhookDispatcherQueue.js';

const step = EXPORT_STEPS.failExport;

df.app.activity(step, {
  handler: async (input: FailExportInput, context) => {
    const { db, webhookDispatcher } = getServices();
    const log = eventLogFor(context);
    await timeEvent(log, 'export_step', { step, exportId: input.exportId }, () => failExport({ db, ...input }));
    // Its `export.failed` delivery was recorded with it (unless it had already ended: then a wake-up finds nothing).
    await wakeWebhookDispatcher(webhookDispatcher, log);
  },
});
