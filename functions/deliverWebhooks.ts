import { app, type InvocationContext } from '@azure/functions';
import { eventLogFor } from '../shared/observability/eventLog.js';
import { getServices } from '../shared/services.js';
import { WEBHOOK_DELIVERY_QUEUE } from '../shared/storage/blobPaths.js';
import { BACKSTOP_SCHEDULE, runWebhookDispatcher } from '../shared/webhooks/runWebhookDispatcher.js';

function dispatch(context: InvocationContext): Promise<unknown> {
  const { db, config, webhookDispatcher } = getServices();
  return runWebhookDispatcher({ db, queue: webhookDispatcher, settings: config.webhooks, log: eventLogFor(context) });
}

/**
 * Sends the webhook deliveries that are due (new events, retries whose backoff ran out, attempts a crash
 * interrupted) from the `webhook_deliveries` outbox when a message wakes it; see runWebhookDispatcher.
 */
app.storageQueue('deliverWebhooks', {
  queueName: WEBHOOK_DELIVERY_QUEUE,
  connection: 'DataStorage',
  handler: (_message, context) => dispatch(context),
});

/** The same, once a minute, for what no message woke it for (see runWebhookDispatcher). */
app.timer('deliverWebhooksBackstop', {
  schedule: BACKSTOP_SCHEDULE,
  handler: (_timer, context) => dispatch(context),
});
