import { app } from '@azure/functions';
import { json } from '../shared/http/json.js';
import { parseJsonBody, parseParams } from '../shared/http/parseInput.js';
import { authenticatedRoute } from '../shared/http/routes.js';
import { imageIdParamsSchema } from '../shared/images/imageIdParamsSchema.js';
import { imageUpdateSchema } from '../shared/images/imageUpdateSchema.js';
import { presentImages } from '../shared/images/presentImages.js';
import { updateImage } from '../shared/images/updateImage.js';

/** docs/api.md: PUT is accepted with the same (partial) meaning as PATCH. */
app.http('updateImage', {
  route: 'images/{id}',
  methods: ['PATCH', 'PUT'],
  handler: authenticatedRoute(async (request, { services: { db, blobs, config }, user }) => {
    const { id } = parseParams(request, imageIdParamsSchema);
    const changes = await parseJsonBody(request, imageUpdateSchema);
    const image = await updateImage({ db, userId: user.userId, imageId: id, changes });
    const [resource] = await presentImages([image], { blobs, readTtlMinutes: config.sas.readTtlMinutes });
    return json(200, resource);
  }),
});
