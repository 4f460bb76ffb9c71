import { app } from '@azure/functions';
import { json } from '../shared/http/json.js';
import { authenticatedRoute } from '../shared/http/routes.js';
import { buildOpenApiDocument } from '../shared/openapi/buildOpenApiDocument.js';

// The document only changes with the code: built once per instance.
const document = buildOpenApiDocument();

app.http('openApiDocument', {
  route: 'openapi.json',
  methods: ['GET'],
  handler: authenticatedRoute(async () => json(200, document)),
});
