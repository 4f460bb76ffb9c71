import { app } from '@azure/functions';
import { json } from '../shared/http/json.js';
import { authenticatedRoute } from '../shared/http/routes.js';
import { getUsage } from '../shared/usage/getUsage.js';

app.http('getUsage', {
  route: 'me/usage',
  methods: ['GET'],
  handler: authenticatedRoute(async (_request, { services: { db }, user }) => json(200, await getUsage({ db, userId: user.userId }))),
});
