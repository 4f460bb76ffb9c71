import { app, output } from '@azure/functions';
import { json } from '../shared/http/json.js';
import { parseParams } from '../shared/http/parseInput.js';
import { authenticatedRoute } from '../shared/http/routes.js';
import { imageIdParamsSchema } from '../shared/images/imageIdParamsSchema.js';
import { requeueFailedImage } from '../shared/images/imageLifecycle.js';
import { presentImages } from '../shared/images/presentImages.js';
import { processingMessage } from '../shared/pipeline/pipelineContract.js';
import { PROCESSING_QUEUE } from '../shared/storage/blobPaths.js';

const processingQueue = output.storageQueue({ queueName: PROCESSING_QUEUE, connection: 'DataStorage' });

app.http('retryImage', {
  route: 'images/{id}/retry',
  methods: ['POST'],
  extraOutputs: [processingQueue],
  handler: authenticatedRoute(async (request, { services: { db, blobs, config }, user, context }) => {
    const { id } = parseParams(request, imageIdParamsSchema);
    const image = await requeueFailedImage(db, { userId: user.userId, imageId: id });
    context.extraOutputs.set(processingQueue, processingMessage(image.id));
    const [resource] = await presentImages([image], { blobs, readTtlMinutes: config.sas.readTtlMinutes });
    return json(202, resource);
  }),
});
