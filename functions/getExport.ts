import { app } from '@azure/functions';
import { exportIdParamsSchema } from '../shared/exports/exportSchemas.js';
import { findOwnedExport } from '../shared/exports/manageExports.js';
import { presentExports } from '../shared/exports/presentExports.js';
import { json } from '../shared/http/json.js';
import { parseParams } from '../shared/http/parseInput.js';
import { authenticatedRoute } from '../shared/http/routes.js';

app.http('getExport', {
  route: 'exports/{id}',
  methods: ['GET'],
  handler: authenticatedRoute(async (request, { services: { db, blobs, config }, user }) => {
    const { id } = parseParams(request, exportIdParamsSchema);
    const row = await findOwnedExport(db, user.userId, id);
    const [resource] = await presentExports({ db, blobs, readTtlMinutes: config.sas.downloadTtlMinutes }, [row]);
    return json(200, resource);
  }),
});
