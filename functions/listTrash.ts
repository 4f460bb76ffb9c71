import { app } from '@azure/functions';
import { json } from '../shared/http/json.js';
import { parseQuery } from '../shared/http/parseInput.js';
import { authenticatedRoute } from '../shared/http/routes.js';
import { listTrash } from '../shared/trash/listTrash.js';
import { trashQuerySchema } from '../shared/trash/trashQuerySchema.js';

app.http('listTrash', {
  route: 'trash',
  methods: ['GET'],
  handler: authenticatedRoute(async (request, { services: { db, blobs, config }, user }) => {
    const query = parseQuery(request, trashQuerySchema);
    const page = await listTrash({
      db,
      blobs,
      cursorSecret: config.cursorSecret,
      readTtlMinutes: config.sas.readTtlMinutes,
      retentionDays: config.trash.retentionDays,
      userId: user.userId,
      query,
    });
    return json(200, page);
  }),
});
