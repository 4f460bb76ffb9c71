import { app } from '@azure/functions';
import { json } from '../shared/http/json.js';
import { authenticatedRoute } from '../shared/http/routes.js';
import { revokeAllShareLinks } from '../shared/sharing/revokeShareLinks.js';

app.http('revokeAllShareLinks', {
  route: 'share-links',
  methods: ['DELETE'],
  handler: authenticatedRoute(async (_request, { services: { db }, user }) =>
    json(200, await revokeAllShareLinks({ db, userId: user.userId })),
  ),
});
