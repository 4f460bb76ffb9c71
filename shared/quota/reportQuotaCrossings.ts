import type { EventLog } from '../observability/eventLog.js';

interface QuotaUsageChange {
  userId: string;
  limit: 'storage' | 'images';
  before: number;
  after: number;
  max: number;
}

/** A user's usage went from below `percent` of a limit to at or above it: what a quota warning says. */
export interface QuotaCrossing {
  userId: string;
  limit: QuotaUsageChange['limit'];
  percent: (typeof THRESHOLDS)[number];
  used: number;
  max: number;
}

const THRESHOLDS = [80, 100] as const;

/** The thresholds (percent of the limit) that a change of usage crosses upwards. */
export function crossedThresholds(change: Pick<QuotaUsageChange, 'before' | 'after' | 'max'>): QuotaCrossing['percent'][] {
  if (change.max <= 0) return [];
  return THRESHOLDS.filter((percent) => change.before * 100 < percent * change.max && change.after * 100 >= percent * change.max);
}

/** Each threshold a change crosses upwards, once: a usage that stays above one crosses nothing. */
export function quotaCrossings(change: QuotaUsageChange): QuotaCrossing[] {
  return crossedThresholds(change).map((percent) => ({
    userId: change.userId,
    limit: change.limit,
    percent,
    used: change.after,
    max: change.max,
  }));
}

/**
 * Logs a `quota_warning` event for each crossing (80 % and 100 %), and `quota_reached` when a limit is
 * reached (the event the alert rule counts). Called once the transaction that changed the usage committed.
 */
export function reportQuotaCrossings(log: EventLog, crossings: readonly QuotaCrossing[]): void {
  for (const crossing of crossings) {
    log('quota_warning', { ...crossing });
    if (crossing.percent === 100) log('quota_reached', { ...crossing });
  }
}
