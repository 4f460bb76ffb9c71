import { app } from '@azure/functions';
import { parseParams } from '../shared/http/parseInput.js';
import { authenticatedRoute } from '../shared/http/routes.js';
import { deleteWebhook } from '../shared/webhooks/manageWebhooks.js';
import { webhookIdParamsSchema } from '../shared/webhooks/webhookSchemas.js';

app.http('deleteWebhook', {
  route: 'webhooks/{id}',
  methods: ['DELETE'],
  handler: authenticatedRoute(async (request, { services: { db }, user }) => {
    const { id } = parseParams(request, webhookIdParamsSchema);
    await deleteWebhook(db, user.userId, id);
    return { status: 204 };
  }),
});
