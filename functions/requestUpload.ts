import { app } from '@azure/functions';
import { json } from '../shared/http/json.js';
import { parseJsonBody } from '../shared/http/parseInput.js';
import { authenticatedRoute } from '../shared/http/routes.js';
import { presentImages } from '../shared/images/presentImages.js';
import { eventLogFor } from '../shared/observability/eventLog.js';
import { requestUpload } from '../shared/uploads/requestUpload.js';
import { uploadRequestSchema } from '../shared/uploads/uploadRequestSchema.js';

app.http('requestUpload', {
  route: 'uploads',
  methods: ['POST'],
  handler: authenticatedRoute(async (request, { services: { db, blobs, config }, user, credential, context }) => {
    const body = await parseJsonBody(request, uploadRequestSchema);
    const requested = await requestUpload({
      db,
      blobs,
      config,
      log: eventLogFor(context),
      userId: user.userId,
      apiKeyId: credential.kind === 'apiKey' ? credential.keyId : undefined,
      request: body,
    });
    if (requested.duplicateOf) {
      const [existing] = await presentImages([requested.duplicateOf], { blobs, readTtlMinutes: config.sas.readTtlMinutes });
      return json(200, { duplicateOf: existing });
    }
    const { image, contentType, upload } = requested;
    const [resource] = await presentImages([image], { blobs, readTtlMinutes: config.sas.readTtlMinutes });
    return json(201, {
      image: resource,
      upload: {
        url: upload.url,
        method: 'PUT',
        headers: { 'x-ms-blob-type': 'BlockBlob', 'content-type': contentType },
        expiresAt: upload.expiresAt.toISOString(),
      },
    });
  }),
});
