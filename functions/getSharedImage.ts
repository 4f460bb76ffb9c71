import { app } from '@azure/functions';
import { json } from '../shared/http/json.js';
import { parseParams } from '../shared/http/parseInput.js';
import { publicRoute } from '../shared/http/routes.js';
import { openSharedImage } from '../shared/sharing/openSharedImage.js';
import { sharedTokenParamsSchema } from '../shared/sharing/shareSchemas.js';

/** No sign-in: the token is the authorisation. */
app.http('getSharedImage', {
  route: 'shared/{token}',
  methods: ['GET'],
  handler: publicRoute(async (request, { services: { db, blobs, config } }) => {
    const { token } = parseParams(request, sharedTokenParamsSchema);
    return json(200, await openSharedImage({ db, blobs, token, ttlMinutes: config.sas.shareTtlMinutes }));
  }),
});
