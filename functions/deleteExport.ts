import { app } from '@azure/functions';
import { exportIdParamsSchema } from '../shared/exports/exportSchemas.js';
import { deleteExport } from '../shared/exports/manageExports.js';
import { parseParams } from '../shared/http/parseInput.js';
import { authenticatedRoute } from '../shared/http/routes.js';

app.http('deleteExport', {
  route: 'exports/{id}',
  methods: ['DELETE'],
  handler: authenticatedRoute(async (request, { services: { db, blobs }, user }) => {
    const { id } = parseParams(request, exportIdParamsSchema);
    await deleteExport({ db, blobs, userId: user.userId, exportId: id });
    return { status: 204 };
  }),
});
