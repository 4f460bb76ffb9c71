import { app } from '@azure/functions';
import { checkHealth } from '../shared/health/checkHealth.js';
import { json } from '../shared/http/json.js';
import { publicRoute } from '../shared/http/routes.js';
import { eventLogFor } from '../shared/observability/eventLog.js';

/** No sign-in, for load balancers and monitors: 503 when a dependency fails, never any detail. */
app.http('health', {
  route: 'health',
  methods: ['GET'],
  handler: publicRoute(async (_request, { services: { db, blobs }, context }) => {
    const health = await checkHealth({ db, blobs, log: eventLogFor(context) });
    return json(health.status === 'ok' ? 200 : 503, health);
  }),
});
