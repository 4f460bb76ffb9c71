import { app, output } from '@azure/functions';
import { json } from '../shared/http/json.js';
import { parseJsonBody } from '../shared/http/parseInput.js';
import { authenticatedRoute } from '../shared/http/routes.js';
import { deleteImages } from '../shared/images/deleteImages.js';
import { imageDeletionMessage } from '../shared/images/finishUserImageDeletions.js';
import { IMAGE_DELETION_QUEUE } from '../shared/storage/blobPaths.js';
import { emptyTrash } from '../shared/trash/emptyTrash.js';
import { trashDeleteRequestSchema } from '../shared/trash/trashSchemas.js';

const imageDeletionQueue = output.storageQueue({ queueName: IMAGE_DELETION_QUEUE, connection: 'DataStorage' });

app.http('emptyTrash', {
  route: 'trash',
  methods: ['DELETE'],
  extraOutputs: [imageDeletionQueue],
  handler: authenticatedRoute(async (request, { services: { db, blobs }, user, context }) => {
    const { ids } = await parseJsonBody(request, trashDeleteRequestSchema);
    if (ids) return json(200, await deleteImages({ db, blobs, userId: user.userId, imageIds: ids, onlyTrashed: true }));
    const { deleting, leftToFinish } = await emptyTrash({ db, blobs, userId: user.userId });
    if (leftToFinish > 0) context.extraOutputs.set(imageDeletionQueue, imageDeletionMessage(user.userId));
    return json(202, { deleting });
  }),
});
