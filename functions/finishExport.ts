import * as df from 'durable-functions';
import { DEFAULT_EXPORT_WRITE, EXPORT_STEPS, type ExportStepInput } from '../shared/exports/exportContract.js';
import { finishExport } from '../shared/exports/finishExport.js';
import { eventLogFor } from '../shared/observability/eventLog.js';
import { timeEvent } from '../shared/observability/timeEvent.js';
import { getServices } from '../shared/services.js';
import { wakeWebhookDispatcher } from '../shared/webhooks/webhookDispatcherQueue.js';

const step = EXPORT_STEPS.finishExport;

df.app.activity(step, {
  handler: async (input: ExportStepInput, context) => {
    const { db, blobs, config, webhookDispatcher } = getServices();
    const log = eventLogFor(context);
    const result = await timeEvent(
      log,
      'export_step',
      { step, ...input },
      () => finishExport({ db, blobs, settings: DEFAULT_EXPORT_WRITE, ttlHours: config.exports.ttlHours, ...input }),
      (finished) => finished,
    );
    // Ready: its `export.ready` delivery was recorded with it.
    if (result.state === 'ready') await wakeWebhookDispatcher(webhookDispatcher, log);
    return result;
  },
});
