import { app } from '@azure/functions';
import { json } from '../shared/http/json.js';
import { parseParams } from '../shared/http/parseInput.js';
import { authenticatedRoute } from '../shared/http/routes.js';
import { sendTestEvent } from '../shared/webhooks/sendTestEvent.js';
import { webhookIdParamsSchema } from '../shared/webhooks/webhookSchemas.js';

app.http('testWebhook', {
  route: 'webhooks/{id}/test',
  methods: ['POST'],
  handler: authenticatedRoute(async (request, { services: { db }, user }) => {
    const { id } = parseParams(request, webhookIdParamsSchema);
    return json(202, await sendTestEvent(db, user.userId, id));
  }),
});
