import type { Database } from '../db/index.js';
import type { UsageHistoryQuery } from './usageHistoryQuerySchema.js';
import type { UsageHistory } from './usageHistorySchema.js';
import { usageHistorySql } from './usageHistorySql.js';

export interface GetUsageHistoryOptions {
  db: Database;
  userId: string;
  query: UsageHistoryQuery;
}

interface BucketRow {
  start: string;
  uploads: number;
  ready: number;
  failed: number;
  bytesAdded: bigint;
  p50: number | null;
  p95: number | null;
  excellent: number;
  good: number;
  fair: number;
  byType: Record<string, number> | null;
}

/** `GET /api/me/usage/history`: every bucket of the range, oldest first (SQL and its plan: usageHistorySql.ts). */
export async function getUsageHistory(options: GetUsageHistoryOptions): Promise<UsageHistory> {
  const rows = await options.db.$queryRaw<BucketRow[]>(usageHistorySql(options.userId, options.query));

  return {
    buckets: rows.map((row) => ({
      start: row.start,
      uploads: row.uploads,
      ready: row.ready,
      failed: row.failed,
      bytesAdded: Number(row.bytesAdded),
      processingMs: { p50: row.p50, p95: row.p95 },
      quality: { excellent: row.excellent, good: row.good, fair: row.fair },
      byType: row.byType ?? {},
    })),
  };
}
