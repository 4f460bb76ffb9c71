import { OpenApiGeneratorV31, OpenAPIRegistry, type ResponseConfig, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { apiKeyIdParamsSchema, apiKeyListSchema, apiKeyRequestSchema, createdApiKeySchema } from '../apiKeys/apiKeySchemas.js';
import type { ApiKeyScope } from '../apiKeys/apiKeyScopes.js';
import { exportIdParamsSchema, exportListSchema, exportRequestSchema, exportResourceSchema } from '../exports/exportSchemas.js';
import {
  galleryDeleteRequestSchema,
  galleryDeleteResultSchema,
  galleryDownloadRequestSchema,
  galleryPageSchema,
} from '../gallery/gallerySchemas.js';
import { galleryQuerySchema } from '../gallery/galleryQuerySchema.js';
import { healthSchema } from '../health/healthSchema.js';
import { ROUTE_ACCESS, type AuthenticatedRouteName } from '../http/routes.js';
import { imageDeleteQuerySchema } from '../images/imageDeleteQuerySchema.js';
import { imageDownloadQuerySchema } from '../images/imageDownloadQuerySchema.js';
import { imageIdParamsSchema } from '../images/imageIdParamsSchema.js';
import { imageResourceSchema } from '../images/imageSchemas.js';
import { imageUpdateSchema } from '../images/imageUpdateSchema.js';
import {
  shareAccessRequestSchema,
  shareAccessSchema,
  sharedAccessQuerySchema,
  sharedImageSchema,
  sharedTokenParamsSchema,
  shareLinkIdParamsSchema,
  shareLinkListQuerySchema,
  shareLinkListSchema,
  shareLinkRequestSchema,
  shareLinkSchema,
  shareLinksRevokedSchema,
} from '../sharing/shareSchemas.js';
import { trashQuerySchema } from '../trash/trashQuerySchema.js';
import {
  trashDeleteRequestSchema,
  trashEmptiedSchema,
  trashPageSchema,
  trashRestoreRequestSchema,
  trashRestoreResultSchema,
} from '../trash/trashSchemas.js';
import { uploadRequestSchema } from '../uploads/uploadRequestSchema.js';
import { usageHistoryQuerySchema } from '../usage/usageHistoryQuerySchema.js';
import { usageHistorySchema } from '../usage/usageHistorySchema.js';
import {
  createdWebhookSchema,
  webhookDeliveryListSchema,
  webhookDeliverySchema,
  webhookEventBodySchema,
  webhookIdParamsSchema,
  webhookListSchema,
  webhookRequestSchema,
} from '../webhooks/webhookSchemas.js';
import { usageSchema } from '../usage/usageSchema.js';
import { errorBodySchema } from './errorBodySchema.js';
import { duplicateUploadResponseSchema, uploadResponseSchema } from './uploadResponseSchema.js';

type OpenApiDocument = ReturnType<OpenApiGeneratorV31['generateDocument']>;

const ERROR_STATUSES = {
  400: 'The body, query or path is not valid (`invalid_request`, `details` lists the fields).',
  401: 'No valid access token or API key (`unauthorized`); a revoked or expired key is refused at once.',
  403: 'The upload would pass a storage or image limit (`quota_exceeded`).',
  404: 'No such resource, or it belongs to someone else (`not_found`).',
  409: 'The resource is in the wrong state for this (`conflict`), or an export is already in progress (`export_in_progress`).',
  413: 'The declared size is over the upload limit (`payload_too_large`).',
  415: 'The content type is not allowed (`unsupported_media_type`).',
  429: 'Too many upload requests (`rate_limited`, see `Retry-After`).',
  503: 'A dependency is unavailable; try again (`service_unavailable`).',
} as const;
type ErrorStatus = keyof typeof ERROR_STATUSES;

/** The 403 of a route an API key may not use: its missing scope, or that only a session may use it. */
function insufficientScope(access: ApiKeyScope | 'session'): string {
  return access === 'session'
    ? 'Called with an API key: only a signed-in session may use this route (`insufficient_scope`).'
    : `Called with an API key that lacks the scope \`${access}\` (\`insufficient_scope\`).`;
}

type OperationConfig = Omit<RouteConfig, 'operationId'> & {
  errors: ErrorStatus[];
  /** What an error status means on this route, when not the usual (the public share routes' own 403 and 429). */
  errorNotes?: Partial<Record<ErrorStatus, string>>;
  /** A public GET that also answers HEAD: the same checks, no body, nothing counted. */
  alsoHead?: true;
} & (
    | { public: true; operationId: string }
    /** The function that serves it: its access (ROUTE_ACCESS) gives the security; its name the operationId unless given. */
    | { handledBy: AuthenticatedRouteName; operationId?: string }
  );

/**
 * The OpenAPI 3.1 description of docs/api.md, generated from the very zod schemas that the handlers parse
 * their input with (and the reply schemas beside them), and the security of each route from the route
 * table (`shared/http/routes.ts`). `docs/openapi.json` is this document; a test fails when the two
 * differ, and `npm run lint:openapi` checks it against Redocly's recommended rules.
 */
export function buildOpenApiDocument(): OpenApiDocument {
  const registry = new OpenAPIRegistry();
  const session = registry.registerComponent('securitySchemes', 'session', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'The access token of a signed-in session. Every route accepts it.',
  });
  const apiKey = registry.registerComponent('securitySchemes', 'apiKey', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'dtr_…',
    description:
      'An API key (`POST /keys`), sent as `Authorization: Bearer dtr_…`. Each route lists the scope a key needs ' +
      '(`images:read`, `images:write`, `uploads`, `shares`); a key without it gets 403 `insufficient_scope`.',
  });

  const jsonBody = (schema: z.ZodType) => ({ required: true, content: { 'application/json': { schema } } });
  const reply = (description: string, schema?: z.ZodType): ResponseConfig =>
    schema ? { description, content: { 'application/json': { schema } } } : { description };
  const errorReply = (description: string) => ({ description, content: { 'application/json': { schema: errorBodySchema } } });
  const route = (config: OperationConfig) => {
    const { errors: statuses, errorNotes, alsoHead, ...operation } = config;
    const responses: RouteConfig['responses'] = { ...operation.responses };
    for (const status of statuses) responses[status] = errorReply(errorNotes?.[status] ?? ERROR_STATUSES[status]);
    if ('public' in operation) {
      const { public: _public, ...rest } = operation;
      registry.registerPath({ ...rest, security: [], responses });
      if (alsoHead) {
        registry.registerPath({
          ...rest,
          method: 'head',
          operationId: `${rest.operationId}Head`,
          summary: `${rest.summary ?? ''}: headers only`,
          security: [],
          responses: { ...responses, 200: reply('The headers of the GET; no body, no view or download counted.') },
        });
      }
      return;
    }
    const { handledBy, ...rest } = operation;
    const access = ROUTE_ACCESS[handledBy];
    responses[401] = errorReply(ERROR_STATUSES[401]);
    responses[403] = errorReply(
      statuses.includes(403) ? `${insufficientScope(access)} Or: ${ERROR_STATUSES[403]}` : insufficientScope(access),
    );
    registry.registerPath({
      ...rest,
      operationId: rest.operationId ?? handledBy,
      security: access === 'session' ? [{ [session.name]: [] }] : [{ [session.name]: [] }, { [apiKey.name]: [access] }],
      responses,
    });
  };

  route({
    method: 'post',
    path: '/uploads',
    handledBy: 'requestUpload',
    tags: ['uploads'],
    summary: 'Ask for a direct upload link',
    request: { body: jsonBody(uploadRequestSchema) },
    responses: {
      200: reply(
        'The caller already has an image with this `sha256` (ready, queued or processing): no image made, no quota taken, no link. Send `allowDuplicate: true` to upload anyway.',
        duplicateUploadResponseSchema,
      ),
      201: reply('The new image (`pending_upload`) and its create-only upload link.', uploadResponseSchema),
    },
    errors: [400, 403, 413, 415, 429],
  });
  route({
    method: 'get',
    path: '/images/{id}',
    handledBy: 'getImage',
    tags: ['images'],
    summary: 'One image',
    request: { params: imageIdParamsSchema },
    responses: { 200: reply('The image with fresh read links.', imageResourceSchema) },
    errors: [400, 404],
  });
  for (const method of ['patch', 'put'] as const) {
    route({
      method,
      path: '/images/{id}',
      handledBy: 'updateImage',
      operationId: method === 'patch' ? 'updateImage' : 'replaceImage',
      tags: ['images'],
      summary: method === 'patch' ? 'Change title, tags, favourite or public flag' : 'Same as PATCH',
      request: { params: imageIdParamsSchema, body: jsonBody(imageUpdateSchema) },
      responses: { 200: reply('The updated image.', imageResourceSchema) },
      errors: [400, 404],
    });
  }
  route({
    method: 'delete',
    path: '/images/{id}',
    handledBy: 'deleteImage',
    tags: ['images'],
    summary: 'Move an image to the trash, or delete it for good',
    description:
      'Without `permanent`, the image moves to the trash (`GET /trash`): it leaves the gallery, its share links are revoked, and it ' +
      'keeps its files and its place in the quota until restored or purged. With `permanent=true` it and its files are deleted at once.',
    request: { params: imageIdParamsSchema, query: imageDeleteQuerySchema },
    responses: { 204: reply('In the trash; or, with `permanent=true`, deleted, its bytes out of `storageUsed`.') },
    errors: [400, 404, 503],
  });
  route({
    method: 'post',
    path: '/images/{id}/retry',
    handledBy: 'retryImage',
    tags: ['images'],
    summary: 'Process a failed image again',
    request: { params: imageIdParamsSchema },
    responses: { 202: reply('Queued again.', imageResourceSchema) },
    errors: [400, 404, 409],
  });
  route({
    method: 'get',
    path: '/images/{id}/download',
    handledBy: 'downloadImage',
    tags: ['images'],
    summary: 'Download one file of an image',
    request: { params: imageIdParamsSchema, query: imageDownloadQuerySchema },
    responses: {
      302: {
        description: 'Redirect to a short-lived read link served with `Content-Disposition: attachment`.',
        headers: z.object({ location: z.url() }),
      },
    },
    errors: [400, 404, 409],
  });
  route({
    method: 'get',
    path: '/gallery',
    handledBy: 'listGallery',
    tags: ['gallery'],
    summary: 'A page of your images',
    request: { query: galleryQuerySchema },
    responses: { 200: reply('Newest (or oldest) first, keyset-paged.', galleryPageSchema) },
    errors: [400],
  });
  route({
    method: 'delete',
    path: '/gallery',
    handledBy: 'deleteGalleryImages',
    tags: ['gallery'],
    summary: 'Move up to 100 images to the trash',
    request: { body: jsonBody(galleryDeleteRequestSchema) },
    responses: {
      200: reply(
        'What moved to the trash (`deleted`) and which ids are not in your gallery (missing or not yours).',
        galleryDeleteResultSchema,
      ),
    },
    errors: [400],
  });
  route({
    method: 'post',
    path: '/gallery/download',
    handledBy: 'downloadGalleryZip',
    tags: ['gallery'],
    summary: 'Download up to 100 images as one ZIP',
    request: { body: jsonBody(galleryDownloadRequestSchema) },
    responses: {
      200: {
        description: 'A ZIP streamed as it is built, one entry per file, named from title and id.',
        content: { 'application/zip': { schema: { type: 'string', contentMediaType: 'application/zip' } } },
      },
    },
    errors: [400, 404, 409],
  });
  route({
    method: 'get',
    path: '/trash',
    handledBy: 'listTrash',
    tags: ['trash'],
    summary: 'A page of your trash ("Recently deleted")',
    request: { query: trashQuerySchema },
    responses: { 200: reply('Newest-trashed first, keyset-paged; each image with `trashedAt` and `purgeAt`.', trashPageSchema) },
    errors: [400],
  });
  route({
    method: 'post',
    path: '/trash/restore',
    handledBy: 'restoreTrash',
    tags: ['trash'],
    summary: 'Restore images from the trash, or all of it',
    description:
      'Restored images are back in the gallery exactly as they were; their share links stay revoked. With `ids`, all of them ' +
      'are restored or none (404 listing those not in your trash).',
    request: { body: jsonBody(trashRestoreRequestSchema) },
    responses: { 200: reply('How many images are back in the gallery.', trashRestoreResultSchema) },
    errors: [400, 404],
  });
  route({
    method: 'delete',
    path: '/trash',
    handledBy: 'emptyTrash',
    tags: ['trash'],
    summary: 'Delete images in the trash for good, or empty it',
    description: 'With `ids`, those images and their files are deleted now. Without a body (or with `{}`), the whole trash is.',
    request: { body: { required: false, content: { 'application/json': { schema: trashDeleteRequestSchema } } } },
    responses: {
      200: reply('With `ids`: what was deleted and which ids are not in your trash.', galleryDeleteResultSchema),
      202: reply(
        'Without ids: the trash is empty at once; the files of up to 100 images are deleted before this reply, the rest within minutes by the clean-up timer, and their bytes leave `storageUsed` as each goes.',
        trashEmptiedSchema,
      ),
    },
    errors: [400, 503],
  });
  route({
    method: 'post',
    path: '/exports',
    handledBy: 'createExport',
    tags: ['exports'],
    summary: 'Export the gallery (or chosen images, or a filter) as a ZIP, in the background',
    request: { body: jsonBody(exportRequestSchema) },
    responses: {
      202: reply(
        'The export, `queued`; poll `GET /exports/{id}` until `ready` (or use the `export.ready` webhook). One at a time per user: 409 `export_in_progress`.',
        exportResourceSchema,
      ),
    },
    errors: [400, 409],
  });
  route({
    method: 'get',
    path: '/exports',
    handledBy: 'listExports',
    tags: ['exports'],
    summary: 'Your 20 newest exports',
    responses: { 200: reply('Newest first.', exportListSchema) },
    errors: [],
  });
  route({
    method: 'get',
    path: '/exports/{id}',
    handledBy: 'getExport',
    tags: ['exports'],
    summary: 'One export: progress, skipped images, and its download link once ready',
    request: { params: exportIdParamsSchema },
    responses: { 200: reply('The export.', exportResourceSchema) },
    errors: [400, 404],
  });
  route({
    method: 'delete',
    path: '/exports/{id}',
    handledBy: 'deleteExport',
    tags: ['exports'],
    summary: 'Cancel a running export, or delete a finished one with its ZIP',
    request: { params: exportIdParamsSchema },
    responses: { 204: reply('Deleted; a running export stops before its next chunk.') },
    errors: [400, 404],
  });
  route({
    method: 'post',
    path: '/images/{id}/share',
    handledBy: 'createShareLink',
    tags: ['sharing'],
    summary: 'Create a public link to a ready image',
    request: { params: imageIdParamsSchema, body: jsonBody(shareLinkRequestSchema) },
    responses: { 201: reply('The link; its token is shown only now. `url` is its page, `{PUBLIC_BASE_URL}/s/{token}`.', shareLinkSchema) },
    errors: [400, 404, 409],
  });
  route({
    method: 'get',
    path: '/images/{id}/share',
    handledBy: 'listImageShareLinks',
    tags: ['sharing'],
    summary: 'The links of one of your images',
    request: { params: imageIdParamsSchema },
    responses: { 200: reply('Every link of the image, newest first, with its counts and status.', shareLinkListSchema) },
    errors: [400, 404],
  });
  route({
    method: 'delete',
    path: '/images/{id}/share',
    handledBy: 'revokeShareLinks',
    tags: ['sharing'],
    summary: 'Revoke every link of an image',
    request: { params: imageIdParamsSchema },
    responses: { 204: reply('Every link of the image stopped working.') },
    errors: [400, 404],
  });
  route({
    method: 'get',
    path: '/share-links',
    handledBy: 'listShareLinks',
    tags: ['sharing'],
    summary: 'All your share links',
    request: { query: shareLinkListQuerySchema },
    responses: { 200: reply('Newest first over all your images, keyset-paged.', shareLinkListSchema) },
    errors: [400],
  });
  route({
    method: 'delete',
    path: '/share-links',
    handledBy: 'revokeAllShareLinks',
    tags: ['sharing'],
    summary: 'Revoke all your share links',
    responses: { 200: reply('Every link of every image of yours stopped working.', shareLinksRevokedSchema) },
    errors: [],
  });
  route({
    method: 'delete',
    path: '/share-links/{id}',
    handledBy: 'revokeShareLink',
    tags: ['sharing'],
    summary: 'Revoke one share link',
    request: { params: shareLinkIdParamsSchema },
    responses: { 204: reply('The link stopped working (its page, data and files).') },
    errors: [400, 404],
  });
  const gone = 'The link does not exist, expired, was used up or revoked, or its image is gone (`not_found`).';
  route({
    method: 'get',
    path: '/shared/{token}',
    tags: ['sharing'],
    summary: "A share page's data (no sign-in; counts a view)",
    description: 'One counted view per GET by a person; HEAD and link-preview bots are not counted.',
    operationId: 'getSharedImage',
    public: true,
    alsoHead: true,
    request: { params: sharedTokenParamsSchema, query: sharedAccessQuerySchema },
    responses: {
      200: reply('The title, and the paths of the preview and the download (with a 15-minute `view` grant).', sharedImageSchema),
    },
    errors: [400, 403, 404],
    errorNotes: {
      403: 'The link has a password: `POST /shared/{token}/access`, then pass its grant as `access` (`password_required`).',
      404: gone,
    },
  });
  route({
    method: 'post',
    path: '/shared/{token}/access',
    tags: ['sharing'],
    summary: "Give a share link's password (no sign-in)",
    operationId: 'unlockShareLink',
    public: true,
    request: { params: sharedTokenParamsSchema, body: jsonBody(shareAccessRequestSchema) },
    responses: { 200: reply('An `unlock` grant for the page data.', shareAccessSchema) },
    errors: [400, 403, 429],
    errorNotes: {
      403: 'Wrong password, or no live link behind the token: the same reply (`wrong_password`).',
      429: 'Too many password tries for this link (`too_many_attempts`, see `Retry-After`).',
    },
  });
  const sharedFile = (kind: 'preview' | 'download', description: string, content: Record<string, string>) =>
    route({
      method: 'get',
      path: `/shared/{token}/${kind}`,
      tags: ['sharing'],
      summary: kind === 'preview' ? 'A shared image’s preview (no sign-in)' : 'Download a shared image (no sign-in)',
      operationId: kind === 'preview' ? 'getSharedPreview' : 'downloadSharedImage',
      public: true,
      alsoHead: true,
      request: { params: sharedTokenParamsSchema, query: sharedAccessQuerySchema },
      responses: {
        200: {
          description,
          content: Object.fromEntries(
            Object.entries(content).map(([type, media]) => [type, { schema: { type: 'string', contentMediaType: media } }]),
          ),
        },
      },
      errors: [400, 403, 404],
      errorNotes: {
        403:
          kind === 'preview'
            ? 'No valid `view` grant: fetch the page data again (`access_required`).'
            : 'No valid `view` grant (`access_required`), or the owner allows no download (`download_not_allowed`).',
        404: gone,
      },
    });
  sharedFile('preview', 'The ≤ 1600 px WebP preview (the PNG cut-out for an image made before previews), streamed, never cached.', {
    'image/webp': 'image/webp',
    'image/png': 'image/png',
  });
  sharedFile('download', 'The PNG cut-out as an attachment named from the title; counts a download (not for HEAD or bots).', {
    'image/png': 'image/png',
  });
  route({
    method: 'get',
    path: '/me/usage',
    handledBy: 'getUsage',
    tags: ['account'],
    summary: 'Your quota and statistics',
    responses: { 200: reply('Computed now from your images.', usageSchema) },
    errors: [],
  });
  route({
    method: 'get',
    path: '/me/usage/history',
    handledBy: 'getUsageHistory',
    tags: ['account'],
    summary: 'Your usage per day, week or month',
    request: { query: usageHistoryQuerySchema },
    responses: { 200: reply('Every bucket of the range, oldest first, computed now from your images.', usageHistorySchema) },
    errors: [400],
  });
  route({
    method: 'get',
    path: '/health',
    tags: ['operations'],
    summary: 'Database and storage checks (no sign-in)',
    operationId: 'health',
    public: true,
    responses: { 200: reply('Every check passed.', healthSchema), 503: reply('At least one check failed.', healthSchema) },
    errors: [],
  });
  route({
    method: 'get',
    path: '/openapi.json',
    handledBy: 'openApiDocument',
    tags: ['operations'],
    summary: 'This document',
    responses: { 200: { description: 'The OpenAPI 3.1 document.', content: { 'application/json': { schema: { type: 'object' } } } } },
    errors: [],
  });

  route({
    method: 'post',
    path: '/keys',
    handledBy: 'createApiKey',
    tags: ['keys'],
    summary: 'Create an API key',
    request: { body: jsonBody(apiKeyRequestSchema) },
    responses: { 201: reply('The key; it is shown only now and stored only as a hash.', createdApiKeySchema) },
    errors: [400, 409],
  });
  route({
    method: 'get',
    path: '/keys',
    handledBy: 'listApiKeys',
    tags: ['keys'],
    summary: 'Your API keys',
    responses: { 200: reply('Every key that was not revoked, newest first, without its secret.', apiKeyListSchema) },
    errors: [],
  });
  route({
    method: 'delete',
    path: '/keys/{id}',
    handledBy: 'revokeApiKey',
    tags: ['keys'],
    summary: 'Revoke an API key',
    request: { params: apiKeyIdParamsSchema },
    responses: { 204: reply('Revoked: the key is refused from now on, on every instance.') },
    errors: [400, 404],
  });

  route({
    method: 'post',
    path: '/webhooks',
    handledBy: 'createWebhook',
    tags: ['webhooks'],
    summary: 'Register a webhook',
    description: 'Events are POSTed to the URL, signed with the secret returned here (docs/webhooks.md).',
    request: { body: jsonBody(webhookRequestSchema) },
    responses: { 201: reply('The webhook and its signing secret, shown only now.', createdWebhookSchema) },
    errors: [400, 409],
  });
  route({
    method: 'get',
    path: '/webhooks',
    handledBy: 'listWebhooks',
    tags: ['webhooks'],
    summary: 'Your webhooks',
    responses: { 200: reply('Every webhook, newest first, without its secret.', webhookListSchema) },
    errors: [],
  });
  route({
    method: 'delete',
    path: '/webhooks/{id}',
    handledBy: 'deleteWebhook',
    tags: ['webhooks'],
    summary: 'Delete a webhook',
    request: { params: webhookIdParamsSchema },
    responses: { 204: reply('Deleted with its deliveries; pending ones are not sent.') },
    errors: [400, 404],
  });
  route({
    method: 'get',
    path: '/webhooks/{id}/deliveries',
    handledBy: 'listWebhookDeliveries',
    tags: ['webhooks'],
    summary: 'The last 100 deliveries of a webhook',
    request: { params: webhookIdParamsSchema },
    responses: { 200: reply('Newest first: event, status, attempts and the next attempt.', webhookDeliveryListSchema) },
    errors: [400, 404],
  });
  route({
    method: 'post',
    path: '/webhooks/{id}/test',
    handledBy: 'testWebhook',
    tags: ['webhooks'],
    summary: 'Send a test event',
    request: { params: webhookIdParamsSchema },
    responses: { 202: reply('A `webhook.test` delivery, sent within seconds.', webhookDeliverySchema) },
    errors: [400, 404, 409],
  });

  // What detour sends to a registered receiver (OpenAPI 3.1 `webhooks`).
  for (const [event, description] of [
    ['image.ready', 'An image finished processing; `data` is the image without its links.'],
    ['image.failed', 'An upload was rejected or its processing stopped; `data` is the image with its `error`.'],
    ['quota.warning', 'Usage of a limit (`storage` or `images`) crossed 80 % or 100 %; `data` is `{ limit, percent, used, max }`.'],
    ['export.ready', 'A gallery export is ready to download; `data` is the export without its link (fetch `GET /exports/{id}`).'],
    ['export.failed', 'A gallery export failed; `data` is the export with its `error`.'],
    ['webhook.test', 'Sent by `POST /webhooks/{id}/test`; `data` is `{ webhookId }`.'],
  ] as const) {
    registry.registerWebhook({
      method: 'post',
      path: event,
      operationId: `receive_${event.replace('.', '_')}`,
      tags: ['webhooks'],
      summary: `The ${event} event`,
      // Authenticated by its signature, not by a security scheme.
      security: [],
      description: `${description} Signed with \`Detour-Signature\` (docs/webhooks.md); the body's \`id\` is the same on every attempt.`,
      request: {
        headers: z.object({
          'detour-signature': z.string().meta({ description: '`t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`' }),
          'detour-delivery': z.string().meta({ description: 'The delivery id (the body’s `id`).' }),
        }),
        body: jsonBody(webhookEventBodySchema),
      },
      responses: {
        200: { description: 'Any 2xx: delivered.' },
        400: { description: 'Any 4xx other than 408 and 429 (or a 3xx): given up, never retried.' },
        503: { description: 'A 5xx, 408, 429, a time-out or a refused connection: retried with backoff for 24 hours.' },
      },
    });
  }

  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'detour API',
      version: '1.0.0',
      description:
        'Uploads, processing status, gallery, downloads and sharing of background-removed images, API keys for scripts ' +
        'and signed webhooks (docs/webhooks.md).',
      // The product is not open source: no public licence applies to the API.
      license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
    },
    servers: [{ url: '/api', description: 'The API, on the same origin as the gallery page.' }],
  });
}
