import type { Database } from '../db/index.js';
import { postToReceiver, DELIVERY_TIMEOUT_MS, type ReceiverAnswer } from './postToReceiver.js';
import type { ReceiverPolicy } from './receiverAddress.js';
import { webhookSignature } from './webhookSignature.js';
import { openWebhookSecret } from './webhookSecretBox.js';

export interface DeliverySettings extends ReceiverPolicy {
  secretKey: Buffer;
  /** The first retry's delay; each next one doubles, up to an hour. */
  retryFirstIntervalMs: number;
}

/** Deliveries are retried for this long after their event, then given up (`failed`). */
export const RETRY_WINDOW_MS = 24 * 3_600_000;
const MAX_RETRY_INTERVAL_MS = 3_600_000;
/** A claimed delivery is taken back after this if its sender died: longer than any attempt can take. */
const CLAIM_MS = DELIVERY_TIMEOUT_MS * 6;
/** Deliveries sent at once; a run takes batches until one is not full, at most `MAX_BATCHES`. */
const BATCH = 50;
const MAX_BATCHES = 10;

interface ClaimedDelivery {
  id: string;
  body: string;
  attempts: number;
  createdAt: Date;
  url: string;
  sealedSecret: string;
}

/** Whether an answer means "try again later": 5xx, 408, 429, a time-out or a connection that failed. */
export function isRetryable(answer: ReceiverAnswer): boolean {
  if ('error' in answer) return !answer.refused;
  return answer.statusCode >= 500 || answer.statusCode === 408 || answer.statusCode === 429;
}

export function retryDelayMs(attempts: number, firstIntervalMs: number): number {
  return Math.min(firstIntervalMs * 2 ** Math.max(0, attempts - 1), MAX_RETRY_INTERVAL_MS);
}

/**
 * One run of the dispatcher (`runWebhookDispatcher`): claims the deliveries that are due, POSTs each,
 * and records the outcome; returns how many it sent and when the retries it scheduled are due. The claim pushes `next_attempt_at` past the attempt's end in the same
 * UPDATE that counts the attempt (SKIP LOCKED, so parallel runs never share one); a sender that dies
 * mid-attempt leaves it due again when the claim runs out. So every event is delivered at least once,
 * across restarts, and receivers de-duplicate by the body's `id`.
 */
export async function deliverDueWebhooks(
  db: Database,
  settings: DeliverySettings,
  now?: Date,
): Promise<{ sent: number; retriesAt: Date[] }> {
  let sent = 0;
  const retriesAt: Date[] = [];
  for (let batch = 0; batch < MAX_BATCHES; batch++) {
    const claimed = await deliverBatch(db, settings, now ?? new Date());
    sent += claimed.length;
    retriesAt.push(...claimed.filter((retryAt) => retryAt !== undefined));
    if (claimed.length < BATCH) break;
  }
  return { sent, retriesAt };
}

/** Claims up to `BATCH` due deliveries and attempts each; returns, per claimed one, when it is retried. */
async function deliverBatch(db: Database, settings: DeliverySettings, now: Date): Promise<(Date | undefined)[]> {
  const claimed = await db.$queryRaw<ClaimedDelivery[]>`
    WITH due AS (
      SELECT id FROM webhook_deliveries
      WHERE next_attempt_at <= ${now}
      ORDER BY next_attempt_at
      LIMIT ${BATCH}
      FOR UPDATE SKIP LOCKED
    )
    UPDATE webhook_deliveries AS delivery
    SET attempts = delivery.attempts + 1, next_attempt_at = ${new Date(now.getTime() + CLAIM_MS)}
    FROM due, webhooks AS webhook
    WHERE delivery.id = due.id AND webhook.id = delivery.webhook_id
    RETURNING delivery.id, delivery.body, delivery.attempts, delivery.created_at AS "createdAt", webhook.url,
      webhook.sealed_secret AS "sealedSecret"`;
  return Promise.all(claimed.map((delivery) => attempt(db, settings, delivery)));
}

/** POSTs one claimed delivery and records the outcome; returns when it is retried, if it is. */
async function attempt(db: Database, settings: DeliverySettings, delivery: ClaimedDelivery): Promise<Date | undefined> {
  const secret = openWebhookSecret(delivery.sealedSecret, settings.secretKey);
  const signature = webhookSignature(secret, delivery.body, Math.floor(Date.now() / 1000));
  const answer = await postToReceiver(
    delivery.url,
    delivery.body,
    { 'detour-signature': signature, 'detour-delivery': delivery.id },
    settings,
  );
  const finishedAt = new Date();
  const delivered = 'statusCode' in answer && answer.statusCode >= 200 && answer.statusCode < 300;
  const retryAt = new Date(finishedAt.getTime() + retryDelayMs(delivery.attempts, settings.retryFirstIntervalMs));
  const retry = !delivered && isRetryable(answer) && retryAt.getTime() <= delivery.createdAt.getTime() + RETRY_WINDOW_MS;
  // Only the claim that sent it records it: a claim that ran out meanwhile belongs to the next attempt.
  await db.webhookDelivery.updateMany({
    where: { id: delivery.id, attempts: delivery.attempts },
    data: {
      lastStatusCode: 'statusCode' in answer ? answer.statusCode : null,
      lastError: 'error' in answer ? answer.error : null,
      deliveredAt: delivered ? finishedAt : null,
      nextAttemptAt: retry ? retryAt : null,
    },
  });
  return retry ? retryAt : undefined;
}
