import { app } from '@azure/functions';
import { json } from '../shared/http/json.js';
import { parseParams, parseQuery } from '../shared/http/parseInput.js';
import { publicRoute } from '../shared/http/routes.js';
import { openSharedImage } from '../shared/sharing/openSharedImage.js';
import { isCountedRequest, PUBLIC_SHARE_HEADERS } from '../shared/sharing/publicShareResponse.js';
import { sharedAccessQuerySchema, sharedTokenParamsSchema } from '../shared/sharing/shareSchemas.js';

/** No sign-in: the token is the authorisation (and the password's grant, when the link has one). */
app.http('getSharedImage', {
  route: 'shared/{token}',
  methods: ['GET', 'HEAD'],
  handler: publicRoute(async (request, { services: { db, config } }) => {
    const { token } = parseParams(request, sharedTokenParamsSchema);
    const { access } = parseQuery(request, sharedAccessQuerySchema);
    const shared = await openSharedImage({ db, secret: config.cursorSecret, token, access, counted: isCountedRequest(request) });
    return json(200, shared, PUBLIC_SHARE_HEADERS);
  }),
});
