/** The events a webhook can subscribe to. Features that add events add them here. */
export const IMAGE_EVENT_TYPES = ['image.ready', 'image.failed'] as const;
export const EXPORT_EVENT_TYPES = ['export.ready', 'export.failed'] as const;
export const WEBHOOK_EVENT_TYPES = [...IMAGE_EVENT_TYPES, ...EXPORT_EVENT_TYPES, 'quota.warning'] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** What `POST /api/webhooks/{id}/test` sends: delivered to that webhook whatever its events. */
export const WEBHOOK_TEST_EVENT = 'webhook.test';
