import { app } from '@azure/functions';
import { galleryQuerySchema } from '../shared/gallery/galleryQuerySchema.js';
import { listGallery } from '../shared/gallery/listGallery.js';
import { json } from '../shared/http/json.js';
import { parseQuery } from '../shared/http/parseInput.js';
import { authenticatedRoute } from '../shared/http/routes.js';

app.http('listGallery', {
  route: 'gallery',
  methods: ['GET'],
  handler: authenticatedRoute(async (request, { services: { db, blobs, config }, user }) => {
    const query = parseQuery(request, galleryQuerySchema);
    const page = await listGallery({
      db,
      blobs,
      cursorSecret: config.cursorSecret,
      readTtlMinutes: config.sas.readTtlMinutes,
      userId: user.userId,
      query,
    });
    return json(200, page);
  }),
});
