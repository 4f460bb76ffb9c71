import { app } from '@azure/functions';
import { apiKeyIdParamsSchema } from '../shared/apiKeys/apiKeySchemas.js';
import { revokeApiKey } from '../shared/apiKeys/revokeApiKey.js';
import { parseParams } from '../shared/http/parseInput.js';
import { authenticatedRoute } from '../shared/http/routes.js';

app.http('revokeApiKey', {
  route: 'keys/{id}',
  methods: ['DELETE'],
  handler: authenticatedRoute(async (request, { services: { db }, user }) => {
    const { id } = parseParams(request, apiKeyIdParamsSchema);
    await revokeApiKey(db, user.userId, id);
    return { status: 204 };
  }),
});
