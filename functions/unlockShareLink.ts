import { app } from '@azure/functions';
import { json } from '../shared/http/json.js';
import { parseJsonBody, parseParams } from '../shared/http/parseInput.js';
import { publicRoute } from '../shared/http/routes.js';
import { PUBLIC_SHARE_HEADERS } from '../shared/sharing/publicShareResponse.js';
import { shareAccessRequestSchema, sharedTokenParamsSchema } from '../shared/sharing/shareSchemas.js';
import { unlockShareLink } from '../shared/sharing/unlockShareLink.js';

app.http('unlockShareLink', {
  route: 'shared/{token}/access',
  methods: ['POST'],
  handler: publicRoute(async (request, { services: { db, config } }) => {
    const { token } = parseParams(request, sharedTokenParamsSchema);
    const { password } = await parseJsonBody(request, shareAccessRequestSchema);
    const grant = await unlockShareLink({ db, secret: config.cursorSecret, token, password });
    return json(200, { access: grant.value, expiresAt: grant.expiresAt.toISOString() }, PUBLIC_SHARE_HEADERS);
  }),
});
