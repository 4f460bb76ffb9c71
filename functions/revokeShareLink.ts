import { app } from '@azure/functions';
import { parseParams } from '../shared/http/parseInput.js';
import { authenticatedRoute } from '../shared/http/routes.js';
import { revokeShareLink } from '../shared/sharing/revokeShareLinks.js';
import { shareLinkIdParamsSchema } from '../shared/sharing/shareSchemas.js';

app.http('revokeShareLink', {
  route: 'share-links/{id}',
  methods: ['DELETE'],
  handler: authenticatedRoute(async (request, { services: { db }, user }) => {
    const { id } = parseParams(request, shareLinkIdParamsSchema);
    await revokeShareLink({ db, userId: user.userId, linkId: id });
    return { status: 204 };
  }),
});
