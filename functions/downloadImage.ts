import { app } from '@azure/functions';
import { parseParams, parseQuery } from '../shared/http/parseInput.js';
import { authenticatedRoute } from '../shared/http/routes.js';
import { createImageDownloadLink } from '../shared/images/createImageDownloadLink.js';
import { imageDownloadQuerySchema } from '../shared/images/imageDownloadQuerySchema.js';
import { imageIdParamsSchema } from '../shared/images/imageIdParamsSchema.js';

app.http('downloadImage', {
  route: 'images/{id}/download',
  methods: ['GET'],
  handler: authenticatedRoute(async (request, { services: { db, blobs, config }, user }) => {
    const { id } = parseParams(request, imageIdParamsSchema);
    const { variant } = parseQuery(request, imageDownloadQuerySchema);
    const link = await createImageDownloadLink({
      db,
      blobs,
      userId: user.userId,
      imageId: id,
      variant,
      ttlMinutes: config.sas.downloadTtlMinutes,
    });
    return { status: 302, headers: { location: link.url, 'cache-control': 'no-store' } };
  }),
});
