import type { EventLog } from '../observability/eventLog.js';

export interface QuotaUsageChange {
  userId: string;
  limit: 'storage' | 'images';
  before: number;
  after: number;
  max: number;
}

const THRESHOLDS = [90, 100] as const;

/** The thresholds (percent of the limit) that a change of usage crosses upwards. */
export function crossedThresholds(change: Pick<QuotaUsageChange, 'before' | 'after' | 'max'>): number[] {
  if (change.max <= 0) return [];
  return THRESHOLDS.filter((percent) => change.before * 100 < percent * change.max && change.after * 100 >= percent * change.max);
}

/** Logs a `quota_reached` event for each threshold the change crosses. */
export function reportQuotaCrossings(log: EventLog, change: QuotaUsageChange): void {
  for (const percent of crossedThresholds(change)) {
    log('quota_reached', { userId: change.userId, limit: change.limit, percent, used: change.after, max: change.max });
  }
}
