import { app } from '@azure/functions';
import { json } from '../shared/http/json.js';
import { parseJsonBody } from '../shared/http/parseInput.js';
import { authenticatedRoute } from '../shared/http/routes.js';
import { deleteImages } from '../shared/images/deleteImages.js';
import { emptyTrash } from '../shared/trash/emptyTrash.js';
import { trashDeleteRequestSchema } from '../shared/trash/trashSchemas.js';

app.http('emptyTrash', {
  route: 'trash',
  methods: ['DELETE'],
  handler: authenticatedRoute(async (request, { services: { db, blobs }, user }) => {
    const { ids } = await parseJsonBody(request, trashDeleteRequestSchema);
    if (ids) return json(200, await deleteImages({ db, blobs, userId: user.userId, imageIds: ids, onlyTrashed: true }));
    return json(202, await emptyTrash({ db, blobs, userId: user.userId }));
  }),
});
