import { app } from '@azure/functions';
import { json } from '../shared/http/json.js';
import { parseJsonBody } from '../shared/http/parseInput.js';
import { authenticatedRoute } from '../shared/http/routes.js';
import { createWebhook } from '../shared/webhooks/manageWebhooks.js';
import { webhookRequestSchema } from '../shared/webhooks/webhookSchemas.js';

app.http('createWebhook', {
  route: 'webhooks',
  methods: ['POST'],
  handler: authenticatedRoute(async (request, { services: { db, config }, user }) => {
    const webhook = await parseJsonBody(request, webhookRequestSchema);
    return json(201, await createWebhook(db, config.webhooks, { userId: user.userId, webhook }));
  }),
});
