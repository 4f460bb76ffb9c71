import type { z } from 'zod';
import type { ApiKeyRequest, ApiKeyResource, createdApiKeySchema } from '../../../shared/apiKeys/apiKeySchemas.js';
import type { ApiKeyScope } from '../../../shared/apiKeys/apiKeyScopes.js';
import type { ExportResource } from '../../../shared/exports/exportSchemas.js';
import type { galleryDeleteResultSchema, GalleryDownloadVariant, galleryPageSchema } from '../../../shared/gallery/gallerySchemas.js';
import type { ImageVariant } from '../../../shared/images/imageDownloadQuerySchema.js';
import type { ImageResource } from '../../../shared/images/imageSchemas.js';
import type { ImageUpdate } from '../../../shared/images/imageUpdateSchema.js';
import type { uploadResponseSchema } from '../../../shared/openapi/uploadResponseSchema.js';
import type {
  shareAccessSchema,
  SharedImage,
  shareLinkListSchema,
  shareLinkRequestSchema,
  shareLinkSchema,
  ShareLinkSummary,
} from '../../../shared/sharing/shareSchemas.js';
import type { TrashedImage, trashEmptiedSchema, trashPageSchema, trashRestoreResultSchema } from '../../../shared/trash/trashSchemas.js';
import type { UploadRequest } from '../../../shared/uploads/uploadRequestSchema.js';
import type { UsageHistoryQuery } from '../../../shared/usage/usageHistoryQuerySchema.js';
import type { UsageHistory } from '../../../shared/usage/usageHistorySchema.js';
import type { Usage } from '../../../shared/usage/usageSchema.js';

/**
 * The API's shapes, taken (types only, nothing reaches the bundle) from the zod schemas that the
 * handlers validate with and the OpenAPI document is generated from, so the page cannot drift from them.
 */
export type {
  ApiKeyRequest,
  ApiKeyResource,
  ApiKeyScope,
  ExportResource,
  GalleryDownloadVariant,
  ImageResource,
  ImageUpdate,
  ImageVariant,
  SharedImage,
  ShareLinkSummary,
  TrashedImage,
  UploadRequest,
  Usage,
  UsageHistory,
  UsageHistoryQuery,
};
export type ImageStatus = ImageResource['status'];
export type GalleryPage = z.infer<typeof galleryPageSchema>;
export type GalleryDeleteResult = z.infer<typeof galleryDeleteResultSchema>;
export type UploadTicket = z.infer<typeof uploadResponseSchema>;
export type ShareLink = z.infer<typeof shareLinkSchema>;
export type ShareLinkRequest = z.input<typeof shareLinkRequestSchema>;
export type ShareLinkList = z.infer<typeof shareLinkListSchema>;
export type ShareAccess = z.infer<typeof shareAccessSchema>;
export type CreatedApiKey = z.infer<typeof createdApiKeySchema>;
export type TrashPage = z.infer<typeof trashPageSchema>;
export type TrashRestoreResult = z.infer<typeof trashRestoreResultSchema>;
export type TrashEmptied = z.infer<typeof trashEmptiedSchema>;
