import { app } from '@azure/functions';
import { json } from '../shared/http/json.js';
import { parseQuery } from '../shared/http/parseInput.js';
import { authenticatedRoute } from '../shared/http/routes.js';
import { listShareLinks } from '../shared/sharing/listShareLinks.js';
import { shareLinkListQuerySchema } from '../shared/sharing/shareSchemas.js';

app.http('listShareLinks', {
  route: 'share-links',
  methods: ['GET'],
  handler: authenticatedRoute(async (request, { services: { db, config }, user }) => {
    const { limit, cursor } = parseQuery(request, shareLinkListQuerySchema);
    const page = await listShareLinks({ db, userId: user.userId, cursorSecret: config.cursorSecret, limit, cursor });
    return json(200, page, { 'cache-control': 'no-store' });
  }),
});
