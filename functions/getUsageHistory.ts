import { app } from '@azure/functions';
import { json } from '../shared/http/json.js';
import { parseQuery } from '../shared/http/parseInput.js';
import { authenticatedRoute } from '../shared/http/routes.js';
import { getUsageHistory } from '../shared/usage/getUsageHistory.js';
import { usageHistoryQuerySchema } from '../shared/usage/usageHistoryQuerySchema.js';

app.http('getUsageHistory', {
  route: 'me/usage/history',
  methods: ['GET'],
  handler: authenticatedRoute(async (request, { services: { db }, user }) =>
    json(200, await getUsageHistory({ db, userId: user.userId, query: parseQuery(request, usageHistoryQuerySchema) })),
  ),
});
