import { app } from '@azure/functions';
import { listOwnExports } from '../shared/exports/manageExports.js';
import { presentExports } from '../shared/exports/presentExports.js';
import { json } from '../shared/http/json.js';
import { authenticatedRoute } from '../shared/http/routes.js';

app.http('listExports', {
  route: 'exports',
  methods: ['GET'],
  handler: authenticatedRoute(async (_request, { services: { db, blobs, config }, user }) => {
    const rows = await listOwnExports(db, user.userId);
    return json(200, { exports: await presentExports({ db, blobs, readTtlMinutes: config.sas.downloadTtlMinutes }, rows) });
  }),
});
