import { app } from '@azure/functions';
import { parseParams, parseQuery } from '../shared/http/parseInput.js';
import { publicRoute } from '../shared/http/routes.js';
import { sharedFileResponse } from '../shared/sharing/sharedFileResponse.js';
import { sharedAccessQuerySchema, sharedTokenParamsSchema } from '../shared/sharing/shareSchemas.js';

app.http('downloadSharedImage', {
  route: 'shared/{token}/download',
  methods: ['GET', 'HEAD'],
  handler: publicRoute(async (request, { services: { db, blobs, config } }) => {
    const { token } = parseParams(request, sharedTokenParamsSchema);
    const { access } = parseQuery(request, sharedAccessQuerySchema);
    return sharedFileResponse(request, { db, blobs, secret: config.cursorSecret, token, access, kind: 'download' });
  }),
});
