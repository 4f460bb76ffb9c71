import type { UsageHistoryQuery } from '../api/apiTypes.js';

type Bucket = UsageHistoryQuery['bucket'];

/** How far back each bucket size looks: 30 days, 26 weeks, 12 months, all ending today. */
const DAYS_BACK: Record<Bucket, number> = { day: 29, week: 26 * 7 - 1, month: 0 };

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** The history query for a bucket size, in the browser's own time zone, ending on today's date there. */
export function usageRange(bucket: Bucket, now: Date, timeZone: string): UsageHistoryQuery {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  if (bucket !== 'month') return { from: addDays(today, -DAYS_BACK[bucket]), to: today, bucket, timeZone };
  const [year, month] = today.split('-').map(Number) as [number, number];
  const first = new Date(Date.UTC(year, month - 12, 1)).toISOString().slice(0, 10);
  return { from: first, to: today, bucket, timeZone };
}
