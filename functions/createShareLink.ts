import { app } from '@azure/functions';
import { json } from '../shared/http/json.js';
import { parseJsonBody, parseParams } from '../shared/http/parseInput.js';
import { authenticatedRoute } from '../shared/http/routes.js';
import { imageIdParamsSchema } from '../shared/images/imageIdParamsSchema.js';
import { createShareLink } from '../shared/sharing/createShareLink.js';
import { shareLinkRequestSchema } from '../shared/sharing/shareSchemas.js';

app.http('createShareLink', {
  route: 'images/{id}/share',
  methods: ['POST'],
  handler: authenticatedRoute(async (request, { services: { db, config }, user }) => {
    const { id } = parseParams(request, imageIdParamsSchema);
    const shareRequest = await parseJsonBody(request, shareLinkRequestSchema);
    const link = await createShareLink({
      db,
      userId: user.userId,
      imageId: id,
      request: shareRequest,
      publicBaseUrl: config.publicBaseUrl,
    });
    return json(201, { ...link, expiresAt: link.expiresAt.toISOString() }, { 'cache-control': 'no-store' });
  }),
});
