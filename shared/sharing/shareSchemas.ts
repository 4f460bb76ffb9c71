import { z } from 'zod';

/** The body of `POST /api/images/{id}/share`. */
export const shareLinkRequestSchema = z.strictObject({
  expiresInHours: z.number().int().min(1).max(168).default(24).meta({ description: 'How long the link works: 1 hour to 7 days.' }),
});

/** The reply of `POST /api/images/{id}/share`. The token is shown once; only its hash is stored. */
export const shareLinkSchema = z.object({
  token: z.string(),
  url: z.url(),
  expiresAt: z.iso.datetime(),
});

/** The path of `GET /api/shared/{token}`. */
export const sharedTokenParamsSchema = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{16,128}$/, 'not a share token') });

/** The reply of `GET /api/shared/{token}`: what a visitor may see of the shared image. */
export const sharedImageSchema = z.object({
  title: z.string(),
  dimensions: z.object({ width: z.number().int(), height: z.number().int() }).nullable(),
  urls: z
    .object({ processed: z.url(), thumbnail: z.url() })
    .meta({ description: 'Read links valid for at most 15 minutes, never past the share link.' }),
  expiresAt: z.iso.datetime().meta({ description: 'When the share link stops working.' }),
});

export type SharedImage = z.infer<typeof sharedImageSchema>;
