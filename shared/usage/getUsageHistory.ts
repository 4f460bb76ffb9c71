import type { Database } from '../db/index.js';
import type { UsageHistoryQuery } from './usageHistoryQuerySchema.js';
import type { UsageHistory } from './usageHistorySchema.js';

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

/**
 * `GET /api/me/usage/history`: the caller's images grouped by the day, week or month of their upload in
 * the caller's time zone, aggregated by PostgreSQL. The range becomes two UTC instants (local midnight
 * of `from`, local midnight after `to`), so only the caller's rows of that range are read, through the
 * `(user_id, created_at)` index; each row's bucket is the local calendar's, whatever daylight saving
 * does meanwhile (a Berlin day in March can last 23 hours). `created_at` holds UTC.
 */
export async function getUsageHistory(options: GetUsageHistoryOptions): Promise<UsageHistory> {
  const { db, userId } = options;
  const { from, to, bucket, timeZone } = options.query;
  const rows = await db.$queryRaw<BucketRow[]>`
    WITH images AS (
      SELECT date_trunc(${bucket}, (created_at AT TIME ZONE 'UTC') AT TIME ZONE ${timeZone}) AS local_start,
             status, quality, processing_time, storage_bytes, file_type
      FROM user_images
      WHERE user_id = ${userId}
        AND created_at >= (${from}::date::timestamp AT TIME ZONE ${timeZone}) AT TIME ZONE 'UTC'
        AND created_at < ((${to}::date + 1)::timestamp AT TIME ZONE ${timeZone}) AT TIME ZONE 'UTC'
        AND deleted_at IS NULL
    ),
    totals AS (
      SELECT local_start,
             count(*)::int AS uploads,
             count(*) FILTER (WHERE status = 'ready')::int AS ready,
             count(*) FILTER (WHERE status = 'failed')::int AS failed,
             sum(storage_bytes) AS bytes_added,
             round((percentile_cont(0.5) WITHIN GROUP (ORDER BY processing_time) FILTER (WHERE status = 'ready'))::numeric)::int AS p50,
             round((percentile_cont(0.95) WITHIN GROUP (ORDER BY processing_time) FILTER (WHERE status = 'ready'))::numeric)::int AS p95,
             count(*) FILTER (WHERE status = 'ready' AND quality = 'excellent')::int AS excellent,
             count(*) FILTER (WHERE status = 'ready' AND quality = 'good')::int AS good,
             count(*) FILTER (WHERE status = 'ready' AND quality = 'fair')::int AS fair
      FROM images
      GROUP BY local_start
    ),
    types AS (
      SELECT local_start, jsonb_object_agg(file_type, images) AS by_type
      FROM (SELECT local_start, file_type, count(*)::int AS images FROM images GROUP BY local_start, file_type) per_type
      GROUP BY local_start
    )
    SELECT to_char(buckets.local_start, 'YYYY-MM-DD') AS "start",
           COALESCE(uploads, 0) AS "uploads", COALESCE(ready, 0) AS "ready", COALESCE(failed, 0) AS "failed",
           COALESCE(bytes_added, 0) AS "bytesAdded", p50 AS "p50", p95 AS "p95",
           COALESCE(excellent, 0) AS "excellent", COALESCE(good, 0) AS "good", COALESCE(fair, 0) AS "fair",
           by_type AS "byType"
    FROM generate_series(date_trunc(${bucket}, ${from}::date::timestamp), date_trunc(${bucket}, ${to}::date::timestamp), ('1 ' || ${bucket})::interval)
         AS buckets(local_start)
    LEFT JOIN totals USING (local_start)
    LEFT JOIN types USING (local_start)
    ORDER BY buckets.local_start`;
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
