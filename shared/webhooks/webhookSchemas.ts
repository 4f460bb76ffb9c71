import { z } from 'zod';
import { exportResourceSchema } from '../exports/exportSchemas.js';
import { imageResourceSchema } from '../images/imageSchemas.js';
import { WEBHOOK_EVENT_TYPES, WEBHOOK_TEST_EVENT } from './webhookEvents.js';

/** The body of `POST /api/webhooks`. Whether the address may be used is checked by `receiverAddress.ts`. */
export const webhookRequestSchema = z.strictObject({
  url: z
    .url({ protocol: /^https?$/ })
    .max(2000)
    .meta({ description: 'Where events are POSTed: `https` (plain `http` and private addresses only in local development).' }),
  events: z
    .array(z.enum(WEBHOOK_EVENT_TYPES))
    .min(1, 'at least one event')
    .transform((events) => [...new Set(events)]),
});

export type WebhookRequest = z.infer<typeof webhookRequestSchema>;

const webhookSchema = z
  .object({
    id: z.string(),
    url: z.url(),
    events: z.array(z.enum(WEBHOOK_EVENT_TYPES)),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'Webhook' });

export type WebhookResource = z.infer<typeof webhookSchema>;

/** The reply of `POST /api/webhooks`: the only time the signing secret is shown. */
export const createdWebhookSchema = webhookSchema
  .extend({ secret: z.string().meta({ description: 'Signs every delivery (`Detour-Signature`); shown only now.' }) })
  .meta({ id: 'CreatedWebhook' });

export const webhookListSchema = z.object({ webhooks: z.array(webhookSchema) });

export const webhookDeliverySchema = z
  .object({
    id: z.string().meta({ description: 'The delivery id, also the `id` of the body: the same on every attempt.' }),
    type: z.enum([...WEBHOOK_EVENT_TYPES, WEBHOOK_TEST_EVENT]),
    status: z.enum(['pending', 'delivered', 'failed']).meta({ description: '`failed`: a 4xx answer, or retries ran out after 24 hours.' }),
    statusCode: z.number().int().nullable().meta({ description: 'The receiver’s last HTTP status, null if it never answered.' }),
    error: z.string().nullable().meta({ description: 'Why the last attempt failed when there was no answer (time-out, refused).' }),
    attempts: z.number().int(),
    nextAttemptAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'WebhookDelivery' });

export type WebhookDeliveryResource = z.infer<typeof webhookDeliverySchema>;

export const webhookDeliveryListSchema = z.object({ deliveries: z.array(webhookDeliverySchema) });

/** The path of the routes of one webhook. */
export const webhookIdParamsSchema = z.object({ id: z.string().regex(/^[a-z0-9]{20,40}$/, 'not a webhook id') });

/** What a receiver gets: `data` is the Image resource without its links (they would expire unread). */
const webhookImageSchema = imageResourceSchema.omit({ urls: true, urlsExpireAt: true }).meta({ id: 'WebhookImage' });

/** `quota.warning`: a limit's usage went from below `percent` to at or above it. */
const webhookQuotaWarningSchema = z
  .object({
    limit: z.enum(['storage', 'images']),
    percent: z.union([z.literal(80), z.literal(100)]),
    used: z.number().int().meta({ description: 'Bytes (storage) or images now counted.' }),
    max: z.number().int().meta({ description: 'The limit, in the same unit.' }),
  })
  .meta({ id: 'WebhookQuotaWarning' });

/** An export event's `data`: the Export resource without its link and skipped list (`GET /api/exports/{id}` has them). */
const webhookExportSchema = exportResourceSchema.omit({ url: true, urlExpiresAt: true, skipped: true }).meta({ id: 'WebhookExport' });

export const webhookEventBodySchema = z
  .object({
    id: z.string().meta({ description: 'The delivery id: the same on every attempt, for de-duplication.' }),
    type: z.enum([...WEBHOOK_EVENT_TYPES, WEBHOOK_TEST_EVENT]),
    createdAt: z.iso.datetime(),
    data: z.union([webhookImageSchema, webhookExportSchema, webhookQuotaWarningSchema, z.object({ webhookId: z.string() })]),
  })
  .meta({ id: 'WebhookEvent' });

export type WebhookEventBody = z.infer<typeof webhookEventBodySchema>;
