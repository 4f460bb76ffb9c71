import type { Database } from '../db/index.js';
import { recountUserQuota } from '../images/imageLifecycle.js';
import type { QuotaRecount } from '../quota/quotaLedger.js';
import type { ReconciliationCursors } from './reconciliationCursors.js';

export interface RecountQuotasOptions {
  db: Database;
  cursors: ReconciliationCursors;
  batchSize: number;
}

const TASK = 'quotas';

/**
 * Each user's `storageUsed` and `imageCount` made again from their image rows (whose bytes the image
 * repairs have just measured against storage), one batch of users per run from the cursor. Returns
 * the recounts that changed a counter.
 */
export async function recountQuotas(options: RecountQuotasOptions): Promise<QuotaRecount[]> {
  const after = await options.cursors.read(TASK);
  const users = await options.db.user.findMany({
    where: after ? { id: { gt: after } } : {},
    orderBy: { id: 'asc' },
    take: options.batchSize,
    select: { id: true },
  });
  const drifts: QuotaRecount[] = [];
  for (const user of users) {
    const recount = await recountUserQuota(options.db, user.id);
    if (recount && (recount.before.storageUsed !== recount.after.storageUsed || recount.before.imageCount !== recount.after.imageCount)) {
      drifts.push(recount);
    }
  }
  await options.cursors.write(TASK, users.length === options.batchSize ? users.at(-1)!.id : undefined);
  return drifts;
}
