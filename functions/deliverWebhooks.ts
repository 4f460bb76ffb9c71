import { app } from '@azure/functions';
import { eventLogFor } from '../shared/observability/eventLog.js';
import { getServices } from '../shared/services.js';
import { deliverDueWebhooks } from '../shared/webhooks/deliverDueWebhooks.js';

/**
 * Every 5 seconds: sends the webhook deliveries that are due (new events, retries whose backoff ran
 * out, attempts a crash interrupted) from the `webhook_deliveries` table; see deliverDueWebhooks.
 */
app.timer('deliverWebhooks', {
  schedule: '*/5 * * * * *',
  handler: async (_timer, context) => {
    const { db, config } = getServices();
    const { sent } = await deliverDueWebhooks(db, config.webhooks);
    if (sent > 0) eventLogFor(context)('webhook_deliveries_sent', { sent });
  },
});
