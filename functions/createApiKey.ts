import { app } from '@azure/functions';
import { apiKeyRequestSchema } from '../shared/apiKeys/apiKeySchemas.js';
import { createApiKey } from '../shared/apiKeys/createApiKey.js';
import { json } from '../shared/http/json.js';
import { parseJsonBody } from '../shared/http/parseInput.js';
import { authenticatedRoute } from '../shared/http/routes.js';

/** Signed-in sessions only (shared/http/routes.ts): a key never makes keys. */
app.http('createApiKey', {
  route: 'keys',
  methods: ['POST'],
  handler: authenticatedRoute(async (request, { services: { db }, user }) => {
    const body = await parseJsonBody(request, apiKeyRequestSchema);
    return json(201, await createApiKey({ db, userId: user.userId, request: body }));
  }),
});
