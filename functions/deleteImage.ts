import { app } from '@azure/functions';
import { parseParams, parseQuery } from '../shared/http/parseInput.js';
import { authenticatedRoute } from '../shared/http/routes.js';
import { deleteImage } from '../shared/images/deleteImage.js';
import { imageDeleteQuerySchema } from '../shared/images/imageDeleteQuerySchema.js';
import { imageIdParamsSchema } from '../shared/images/imageIdParamsSchema.js';

app.http('deleteImage', {
  route: 'images/{id}',
  methods: ['DELETE'],
  handler: authenticatedRoute(async (request, { services: { db, blobs }, user }) => {
    const { id } = parseParams(request, imageIdParamsSchema);
    const { permanent } = parseQuery(request, imageDeleteQuerySchema);
    await deleteImage({ db, blobs, userId: user.userId, imageId: id, permanent });
    return { status: 204 };
  }),
});
