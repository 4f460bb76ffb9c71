import { app } from '@azure/functions';
import * as df from 'durable-functions';
import { exportRequestSchema } from '../shared/exports/exportSchemas.js';
import { startExport } from '../shared/exports/manageExports.js';
import { presentExports } from '../shared/exports/presentExports.js';
import { json } from '../shared/http/json.js';
import { parseJsonBody } from '../shared/http/parseInput.js';
import { authenticatedRoute } from '../shared/http/routes.js';

app.http('createExport', {
  route: 'exports',
  methods: ['POST'],
  extraInputs: [df.input.durableClient()],
  handler: authenticatedRoute(async (request, { services: { db, blobs, config }, user, context }) => {
    const body = await parseJsonBody(request, exportRequestSchema);
    const row = await startExport({ db, starter: df.getClient(context), userId: user.userId, request: body });
    const [resource] = await presentExports({ db, blobs, readTtlMinutes: config.sas.downloadTtlMinutes }, [row]);
    return json(202, resource);
  }),
});
