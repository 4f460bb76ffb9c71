import { app } from '@azure/functions';
import { json } from '../shared/http/json.js';
import { parseParams } from '../shared/http/parseInput.js';
import { authenticatedRoute } from '../shared/http/routes.js';
import { eventLogFor } from '../shared/observability/eventLog.js';
import { sendTestEvent } from '../shared/webhooks/sendTestEvent.js';
import { wakeWebhookDispatcher } from '../shared/webhooks/webhookDispatcherQueue.js';
import { webhookIdParamsSchema } from '../shared/webhooks/webhookSchemas.js';

app.http('testWebhook', {
  route: 'webhooks/{id}/test',
  methods: ['POST'],
  handler: authenticatedRoute(async (request, { services: { db, webhookDispatcher }, user, context }) => {
    const { id } = parseParams(request, webhookIdParamsSchema);
    const delivery = await sendTestEvent(db, user.userId, id);
    await wakeWebhookDispatcher(webhookDispatcher, eventLogFor(context));
    return json(202, delivery);
  }),
});
