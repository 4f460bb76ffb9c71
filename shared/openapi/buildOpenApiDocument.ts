import { OpenApiGeneratorV31, OpenAPIRegistry, type ResponseConfig, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import {
  galleryDeleteRequestSchema,
  galleryDeleteResultSchema,
  galleryDownloadRequestSchema,
  galleryPageSchema,
} from '../gallery/gallerySchemas.js';
import { galleryQuerySchema } from '../gallery/galleryQuerySchema.js';
import { healthSchema } from '../health/healthSchema.js';
import { imageDownloadQuerySchema } from '../images/imageDownloadQuerySchema.js';
import { imageIdParamsSchema } from '../images/imageIdParamsSchema.js';
import { imageResourceSchema } from '../images/imageSchemas.js';
import { imageUpdateSchema } from '../images/imageUpdateSchema.js';
import { sharedImageSchema, sharedTokenParamsSchema, shareLinkRequestSchema, shareLinkSchema } from '../sharing/shareSchemas.js';
import { uploadRequestSchema } from '../uploads/uploadRequestSchema.js';
import { usageSchema } from '../usage/usageSchema.js';
import { errorBodySchema } from './errorBodySchema.js';
import { duplicateUploadResponseSchema, uploadResponseSchema } from './uploadResponseSchema.js';

type OpenApiDocument = ReturnType<OpenApiGeneratorV31['generateDocument']>;

const ERROR_STATUSES = {
  400: 'The body, query or path is not valid (`invalid_request`, `details` lists the fields).',
  401: 'No valid access token (`unauthorized`).',
  403: 'The upload would pass a storage or image limit (`quota_exceeded`).',
  404: 'No such resource, or it belongs to someone else (`not_found`).',
  409: 'The resource is in the wrong state for this (`conflict`).',
  413: 'The declared size is over the upload limit (`payload_too_large`).',
  415: 'The content type is not allowed (`unsupported_media_type`).',
  429: 'Too many upload requests (`rate_limited`, see `Retry-After`).',
  503: 'A dependency is unavailable; try again (`service_unavailable`).',
} as const;
type ErrorStatus = keyof typeof ERROR_STATUSES;

/**
 * The OpenAPI 3.1 description of docs/api.md, generated from the very zod schemas that the handlers parse
 * their input with (and the reply schemas beside them). `docs/openapi.json` is this document; a test
 * fails when the two differ.
 */
export function buildOpenApiDocument(): OpenApiDocument {
  const registry = new OpenAPIRegistry();
  const bearer = registry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });

  const jsonBody = (schema: z.ZodType) => ({ required: true, content: { 'application/json': { schema } } });
  const reply = (description: string, schema?: z.ZodType): ResponseConfig =>
    schema ? { description, content: { 'application/json': { schema } } } : { description };
  const errors = (statuses: ErrorStatus[]) =>
    Object.fromEntries(
      statuses.map((status) => [
        status,
        { description: ERROR_STATUSES[status], content: { 'application/json': { schema: errorBodySchema } } },
      ]),
    );
  const route = (config: RouteConfig & { errors: ErrorStatus[]; public?: boolean }) => {
    const { errors: statuses, public: isPublic, ...rest } = config;
    registry.registerPath({
      ...rest,
      security: isPublic ? [] : [{ [bearer.name]: [] }],
      responses: { ...rest.responses, ...errors(isPublic ? statuses : [401, ...statuses]) },
    });
  };

  route({
    method: 'post',
    path: '/uploads',
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
    tags: ['images'],
    summary: 'Delete an image and its files',
    request: { params: imageIdParamsSchema },
    responses: { 204: reply('Deleted; its bytes left `storageUsed`.') },
    errors: [400, 404, 503],
  });
  route({
    method: 'post',
    path: '/images/{id}/retry',
    tags: ['images'],
    summary: 'Process a failed image again',
    request: { params: imageIdParamsSchema },
    responses: { 202: reply('Queued again.', imageResourceSchema) },
    errors: [400, 404, 409],
  });
  route({
    method: 'get',
    path: '/images/{id}/download',
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
    tags: ['gallery'],
    summary: 'A page of your images',
    request: { query: galleryQuerySchema },
    responses: { 200: reply('Newest (or oldest) first, keyset-paged.', galleryPageSchema) },
    errors: [400],
  });
  route({
    method: 'delete',
    path: '/gallery',
    tags: ['gallery'],
    summary: 'Delete up to 100 images',
    request: { body: jsonBody(galleryDeleteRequestSchema) },
    responses: { 200: reply('What was deleted and which ids are not yours or missing.', galleryDeleteResultSchema) },
    errors: [400, 503],
  });
  route({
    method: 'post',
    path: '/gallery/download',
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
    method: 'post',
    path: '/images/{id}/share',
    tags: ['sharing'],
    summary: 'Create a public link to a ready image',
    request: { params: imageIdParamsSchema, body: jsonBody(shareLinkRequestSchema) },
    responses: { 201: reply('The link; its token is shown only now.', shareLinkSchema) },
    errors: [400, 404, 409],
  });
  route({
    method: 'delete',
    path: '/images/{id}/share',
    tags: ['sharing'],
    summary: 'Revoke every link of an image',
    request: { params: imageIdParamsSchema },
    responses: { 204: reply('Every link of the image stopped working.') },
    errors: [400, 404],
  });
  route({
    method: 'get',
    path: '/shared/{token}',
    tags: ['sharing'],
    summary: 'A shared image (no sign-in)',
    public: true,
    request: { params: sharedTokenParamsSchema },
    responses: { 200: reply('The cut-out and thumbnail of the shared image.', sharedImageSchema) },
    errors: [400, 404],
  });
  route({
    method: 'get',
    path: '/me/usage',
    tags: ['account'],
    summary: 'Your quota and statistics',
    responses: { 200: reply('Computed now from your images.', usageSchema) },
    errors: [],
  });
  route({
    method: 'get',
    path: '/health',
    tags: ['operations'],
    summary: 'Database and storage checks (no sign-in)',
    public: true,
    responses: { 200: reply('Every check passed.', healthSchema), 503: reply('At least one check failed.', healthSchema) },
    errors: [],
  });
  route({
    method: 'get',
    path: '/openapi.json',
    tags: ['operations'],
    summary: 'This document',
    responses: { 200: { description: 'The OpenAPI 3.1 document.', content: { 'application/json': { schema: { type: 'object' } } } } },
    errors: [],
  });

  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'detour API',
      version: '1.0.0',
      description: 'Uploads, processing status, gallery, downloads and sharing of background-removed images.',
    },
    servers: [{ url: '/api' }],
  });
}
