import { app } from '@azure/functions';
import { json } from '../shared/http/json.js';
import { authenticatedRoute } from '../shared/http/routes.js';
import { listWebhooks } from '../shared/webhooks/manageWebhooks.js';

app.http('listWebhooks', {
  route: 'webhooks',
  methods: ['GET'],
  handler: authenticatedRoute(async (_request, { services: { db }, user }) => json(200, { webhooks: await listWebhooks(db, user.userId) })),
});
