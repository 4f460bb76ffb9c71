import { app } from '@azure/functions';
import { parseParams } from '../shared/http/parseInput.js';
import { authenticatedRoute } from '../shared/http/routes.js';
import { imageIdParamsSchema } from '../shared/images/imageIdParamsSchema.js';
import { revokeShareLinks } from '../shared/sharing/revokeShareLinks.js';

app.http('revokeShareLinks', {
  route: 'images/{id}/share',
  methods: ['DELETE'],
  handler: authenticatedRoute(async (request, { services: { db }, user }) => {
    const { id } = parseParams(request, imageIdParamsSchema);
    await revokeShareLinks({ db, userId: user.userId, imageId: id });
    return { status: 204 };
  }),
});
