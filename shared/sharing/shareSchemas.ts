import { z } from 'zod';
import { imageIdSchema } from '../images/imageSchemas.js';

/** The body of `POST /api/images/{id}/share`. Unknown fields are refused. */
export const shareLinkRequestSchema = z.strictObject({
  expiresInHours: z
    .number()
    .int()
    .min(1)
    .max(720)
    .default(24)
    .meta({ description: 'How long the link works: 1 hour to 30 days (default 1 day). A link never works forever.' }),
  password: z
    .string()
    .min(4)
    .max(200)
    .optional()
    .meta({ description: 'Asked for before anything of the image is shown; stored only as a scrypt hash.' }),
  allowDownload: z.boolean().default(true).meta({ description: 'Whether visitors may download the PNG cut-out (else preview only).' }),
  maxViews: z
    .number()
    .int()
    .min(1)
    .max(1_000_000)
    .optional()
    .meta({ description: 'The link is used up after this many counted views (not HEAD requests or link-preview bots).' }),
});

export type ShareLinkRequest = z.output<typeof shareLinkRequestSchema>;

/** The reply of `POST /api/images/{id}/share`. The token is shown once; only its hash is stored. */
export const shareLinkSchema = z.object({
  id: z.string().meta({ description: 'The link, for the owner: list, revoke (`/api/share-links/{id}`).' }),
  token: z.string(),
  url: z.url().meta({ description: 'The share page, `{PUBLIC_BASE_URL}/s/{token}`.' }),
  expiresAt: z.iso.datetime(),
  allowDownload: z.boolean(),
  hasPassword: z.boolean(),
  maxViews: z.number().int().nullable(),
});

/** The path of the public `/api/shared/{token}…` routes. */
export const sharedTokenParamsSchema = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{16,128}$/, 'not a share token') });

/** The query of the public routes after a grant: `access`, the grant (shareAccessGrant.ts). */
export const sharedAccessQuerySchema = z.strictObject({
  access: z.string().min(1).max(200).optional().meta({ description: 'An access grant: `unlock` for the page data, `view` for its files.' }),
});

/** The body of `POST /api/shared/{token}/access`. */
export const shareAccessRequestSchema = z.strictObject({ password: z.string().min(1).max(200) });

/** The reply of `POST /api/shared/{token}/access`. */
export const shareAccessSchema = z.object({
  access: z.string().meta({ description: 'The `unlock` grant, for the `access` query parameter of `GET /api/shared/{token}`.' }),
  expiresAt: z.iso.datetime(),
});

/** The reply of `GET /api/shared/{token}`: what a visitor may see of the shared image, and nothing more. */
export const sharedImageSchema = z.object({
  title: z.string(),
  expiresAt: z.iso.datetime().meta({ description: 'When the share link stops working.' }),
  allowDownload: z.boolean(),
  urls: z
    .object({ preview: z.string(), download: z.string().nullable() })
    .meta({ description: 'Paths on the API, carrying a `view` grant; null download when not allowed.' }),
  urlsExpireAt: z.iso.datetime().meta({ description: 'When the file paths stop working (15 minutes): fetch the page data again.' }),
});

export type SharedImage = z.infer<typeof sharedImageSchema>;

/** The reply of `DELETE /api/share-links`. */
export const shareLinksRevokedSchema = z.object({ revoked: z.number().int().meta({ description: 'How many links were still live.' }) });

/** The path of `DELETE /api/share-links/{id}`. */
export const shareLinkIdParamsSchema = z.object({ id: z.string().regex(/^[a-z0-9]{20,40}$/, 'not a share link id') });

/** One of the caller's links, as its owner sees it (never the token: only its hash is kept). */
const shareLinkSummarySchema = z.object({
  id: z.string(),
  imageId: imageIdSchema,
  imageTitle: z.string(),
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
  views: z.number().int(),
  downloads: z.number().int(),
  lastAccessedAt: z.iso.datetime().nullable(),
  hasPassword: z.boolean(),
  allowDownload: z.boolean(),
  maxViews: z.number().int().nullable(),
  status: z.enum(['active', 'expired', 'revoked', 'used_up']),
});

export type ShareLinkSummary = z.infer<typeof shareLinkSummarySchema>;

/** The query of `GET /api/share-links`. */
export const shareLinkListQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(50).meta({ description: 'Links per page.' }),
  cursor: z.string().min(1).max(512).optional().meta({ description: 'The `nextCursor` of the previous page.' }),
});

/** The reply of `GET /api/share-links` and `GET /api/images/{id}/share`, newest first. */
export const shareLinkListSchema = z.object({
  links: z.array(shareLinkSummarySchema),
  nextCursor: z.string().nullable().meta({ description: 'Null on the last page (always null for one image: all its links).' }),
});
