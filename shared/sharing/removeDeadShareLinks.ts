import type { Database } from '../db/index.js';

export interface RemoveDeadShareLinksOptions {
  db: Database;
  /** Dead links are kept this long (their view counts stay visible to support), then dropped. */
  keepDays?: number;
  now?: Date;
}

/** For the clean-up timer: share links expired or revoked more than `keepDays` ago are deleted. */
export async function removeDeadShareLinks(options: RemoveDeadShareLinksOptions): Promise<{ removed: number }> {
  const now = options.now ?? new Date();
  const cutoff = new Date(now.getTime() - (options.keepDays ?? 30) * 24 * 3_600_000);
  const { count } = await options.db.shareLink.deleteMany({
    where: { OR: [{ expiresAt: { lt: cutoff } }, { revokedAt: { lt: cutoff } }] },
  });
  return { removed: count };
}
