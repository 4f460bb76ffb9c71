import { app } from '@azure/functions';
import { listApiKeys } from '../shared/apiKeys/listApiKeys.js';
import { json } from '../shared/http/json.js';
import { authenticatedRoute } from '../shared/http/routes.js';

app.http('listApiKeys', {
  route: 'keys',
  methods: ['GET'],
  handler: authenticatedRoute(async (_request, { services: { db }, user }) => json(200, { keys: await listApiKeys(db, user.userId) })),
});
