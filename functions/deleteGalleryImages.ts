import { app } from '@azure/functions';
import { galleryDeleteRequestSchema } from '../shared/gallery/gallerySchemas.js';
import { json } from '../shared/http/json.js';
import { parseJsonBody } from '../shared/http/parseInput.js';
import { authenticatedRoute } from '../shared/http/routes.js';
import { deleteImages } from '../shared/images/deleteImages.js';

app.http('deleteGalleryImages', {
  route: 'gallery',
  methods: ['DELETE'],
  handler: authenticatedRoute(async (request, { services: { db, blobs }, user }) => {
    const { ids } = await parseJsonBody(request, galleryDeleteRequestSchema);
    return json(200, await deleteImages({ db, blobs, userId: user.userId, imageIds: ids }));
  }),
});
