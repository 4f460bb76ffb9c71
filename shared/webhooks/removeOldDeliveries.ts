import type { Database } from '../db/index.js';

export interface RemoveOldDeliveriesOptions {
  db: Database;
  /** Settled deliveries stay listed this long, then go. */
  keepDays?: number;
  now?: Date;
}

/** For the clean-up timer: deliveries settled (delivered or given up) more than `keepDays` after their event are deleted. */
export async function removeOldDeliveries(options: RemoveOldDeliveriesOptions): Promise<{ removed: number }> {
  const now = options.now ?? new Date();
  const cutoff = new Date(now.getTime() - (options.keepDays ?? 30) * 24 * 3_600_000);
  const { count } = await options.db.webhookDelivery.deleteMany({ where: { nextAttemptAt: null, createdAt: { lt: cutoff } } });
  return { removed: count };
}
