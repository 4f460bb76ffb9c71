import { app } from '@azure/functions';
import { galleryDownloadRequestSchema } from '../shared/gallery/gallerySchemas.js';
import { openGalleryZip } from '../shared/gallery/openGalleryZip.js';
import { parseJsonBody } from '../shared/http/parseInput.js';
import { authenticatedRoute } from '../shared/http/routes.js';
import { attachmentDisposition } from '../shared/storage/blobStore.js';

// Without this the Functions host buffers a whole response before sending it, and a ZIP of 100 large
// images would have to fit in memory. The setting is app-wide (the host reads it once at start-up).
app.setup({ enableHttpStream: true });

app.http('downloadGalleryZip', {
  route: 'gallery/download',
  methods: ['POST'],
  handler: authenticatedRoute(async (request, { services: { db, blobs }, user, context }) => {
    const { ids, variant } = await parseJsonBody(request, galleryDownloadRequestSchema);
    const zip = await openGalleryZip({
      db,
      blobs,
      userId: user.userId,
      imageIds: ids,
      variant,
      onError: (error) => context.error('The gallery ZIP stopped before its end', error),
    });
    const fileName = `detour-${new Date().toISOString().slice(0, 10)}.zip`;
    return {
      status: 200,
      headers: { 'content-type': 'application/zip', 'content-disposition': attachmentDisposition(fileName), 'cache-control': 'no-store' },
      body: zip.stream,
    };
  }),
});
