import { app } from '@azure/functions';
import { galleryDeleteRequestSchema } from '../shared/gallery/gallerySchemas.js';
import { json } from '../shared/http/json.js';
import { parseJsonBody } from '../shared/http/parseInput.js';
import { authenticatedRoute } from '../shared/http/routes.js';
import { trashImages } from '../shared/trash/trashImages.js';

app.http('deleteGalleryImages', {
  route: 'gallery',
  methods: ['DELETE'],
  handler: authenticatedRoute(async (request, { services: { db }, user }) => {
    const { ids } = await parseJsonBody(request, galleryDeleteRequestSchema);
    return json(200, await trashImages({ db, userId: user.userId, imageIds: ids }));
  }),
});
