/** The events a webhook can subscribe to. Features that add events add them here. */
export const WEBHOOK_EVENT_TYPES = ['image.ready', 'image.failed', 'quota.warning'] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** What `POST /api/webhooks/{id}/test` sends: delivered to that webhook whatever its events. */
export const WEBHOOK_TEST_EVENT = 'webhook.test';
