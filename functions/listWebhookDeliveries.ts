import { app } from '@azure/functions';
import { json } from '../shared/http/json.js';
import { parseParams } from '../shared/http/parseInput.js';
import { authenticatedRoute } from '../shared/http/routes.js';
import { listWebhookDeliveries } from '../shared/webhooks/manageWebhooks.js';
import { webhookIdParamsSchema } from '../shared/webhooks/webhookSchemas.js';

app.http('listWebhookDeliveries', {
  route: 'webhooks/{id}/deliveries',
  methods: ['GET'],
  handler: authenticatedRoute(async (request, { services: { db }, user }) => {
    const { id } = parseParams(request, webhookIdParamsSchema);
    return json(200, { deliveries: await listWebhookDeliveries(db, user.userId, id) });
  }),
});
