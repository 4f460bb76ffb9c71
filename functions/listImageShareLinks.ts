import { app } from '@azure/functions';
import { json } from '../shared/http/json.js';
import { parseParams } from '../shared/http/parseInput.js';
import { authenticatedRoute } from '../shared/http/routes.js';
import { imageIdParamsSchema } from '../shared/images/imageIdParamsSchema.js';
import { listImageShareLinks } from '../shared/sharing/listShareLinks.js';

app.http('listImageShareLinks', {
  route: 'images/{id}/share',
  methods: ['GET'],
  handler: authenticatedRoute(async (request, { services: { db }, user }) => {
    const { id } = parseParams(request, imageIdParamsSchema);
    return json(200, await listImageShareLinks({ db, userId: user.userId, imageId: id }), { 'cache-control': 'no-store' });
  }),
});
