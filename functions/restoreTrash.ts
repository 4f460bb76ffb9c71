import { app } from '@azure/functions';
import { json } from '../shared/http/json.js';
import { parseJsonBody } from '../shared/http/parseInput.js';
import { authenticatedRoute } from '../shared/http/routes.js';
import { restoreTrash } from '../shared/trash/restoreTrash.js';
import { trashRestoreRequestSchema } from '../shared/trash/trashSchemas.js';

app.http('restoreTrash', {
  route: 'trash/restore',
  methods: ['POST'],
  handler: authenticatedRoute(async (request, { services: { db }, user }) => {
    const body = await parseJsonBody(request, trashRestoreRequestSchema);
    return json(200, await restoreTrash({ db, userId: user.userId, request: body }));
  }),
});
