import { app } from '@azure/functions';
import { json } from '../shared/http/json.js';
import { parseParams } from '../shared/http/parseInput.js';
import { authenticatedRoute } from '../shared/http/routes.js';
import { findOwnedImage } from '../shared/images/findOwnedImage.js';
import { imageIdParamsSchema } from '../shared/images/imageIdParamsSchema.js';
import { presentImages } from '../shared/images/presentImages.js';

app.http('getImage', {
  route: 'images/{id}',
  methods: ['GET'],
  handler: authenticatedRoute(async (request, { services: { db, blobs, config }, user }) => {
    const { id } = parseParams(request, imageIdParamsSchema);
    const image = await findOwnedImage(db, user.userId, id);
    const [resource] = await presentImages([image], { blobs, readTtlMinutes: config.sas.readTtlMinutes });
    return json(200, resource);
  }),
});
