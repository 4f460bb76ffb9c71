import type { Database } from '../db/index.js';
import type { EventLog } from '../observability/eventLog.js';
import { deliverDueWebhooks, type DeliverySettings } from './deliverDueWebhooks.js';
import { wakeWebhookDispatcher, type WebhookDispatcherQueue } from './webhookDispatcherQueue.js';

/** How often the backstop runs the dispatcher (the `deliverWebhooksBackstop` timer's schedule). */
export const BACKSTOP_SCHEDULE = '0 * * * * *';
const BACKSTOP_INTERVAL_MS = 60_000;

export interface RunWebhookDispatcherOptions {
  db: Database;
  queue: WebhookDispatcherQueue;
  settings: DeliverySettings;
  log: EventLog;
}

/**
 * One run of the dispatcher, woken by a message (a change recorded deliveries, or a retry came due) or
 * by the backstop timer; logs only when it sent something.
 *
 * Retries: a retry due before the backstop's next run is woken for by a delayed message (its visibility
 * timeout), one per run, when the last such retry of the run is due, so that short backoffs (the first
 * retry, 30 s by default) are kept. Longer ones are left to the backstop, at most a minute late on a
 * backoff of a minute or more: a message per failed attempt would buy nothing the backstop does not
 * already give, and one message per run cannot multiply. The backstop also covers what no message
 * covers: a wake-up lost to a crash, a delivery whose sender died mid-attempt (its claim runs out), and
 * events recorded where no queue is at hand (a quota warning at an upload request, the reconciliation).
 */
export async function runWebhookDispatcher(options: RunWebhookDispatcherOptions): Promise<{ sent: number }> {
  const { sent, retriesAt } = await deliverDueWebhooks(options.db, options.settings);
  if (sent > 0) options.log('webhook_deliveries_sent', { sent });
  const now = Date.now();
  const soon = retriesAt.map((retryAt) => retryAt.getTime() - now).filter((delayMs) => delayMs < BACKSTOP_INTERVAL_MS);
  if (soon.length > 0) await wakeWebhookDispatcher(options.queue, options.log, Math.max(...soon));
  return { sent };
}
