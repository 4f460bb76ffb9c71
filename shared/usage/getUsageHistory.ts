import { postgresErrorCode, type Database } from '../db/index.js';
import { AppError } from '../errors.js';
import type { UsageHistoryQuery } from './usageHistoryQuerySchema.js';
import type { UsageHistory } from './usageHistorySchema.js';
import { usageHistorySql } from './usageHistorySql.js';

export interface GetUsageHistoryOptions {
  db: Database;
  userId: string;
  query: UsageHistoryQuery;
}

/** SQLSTATE 22023, what PostgreSQL raises for a time zone it does not know. */
const INVALID_PARAMETER_VALUE = '22023';

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
  const rows = await options.db.$queryRaw<BucketRow[]>(usageHistorySql(options.userId, options.query)).catch((error: unknown) => {
    // The query schema accepts the zones the runtime's ICU knows; PostgreSQL's tz database can lack one
    // of them (a withdrawn name such as US/Pacific-New): that is the caller's input, not a server fault.
    if (postgresErrorCode(error) === INVALID_PARAMETER_VALUE) {
      throw new AppError('invalid_request', 'The query is not valid: see details for each field.', {
        details: [{ field: 'timeZone', message: `Unknown time zone: ${options.query.timeZone}.` }],
      });
    }
    throw error;
  });

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
