import { Prisma } from '../db/index.js';
import type { UsageHistoryQuery } from './usageHistoryQuerySchema.js';

/**
 * The usage history of one user as parameterised SQL: their images grouped by the day, week or month of their upload in
 * the caller's time zone, aggregated by PostgreSQL. The range becomes two UTC instants (local midnight
 * of `from`, local midnight after `to`), so only the caller's rows of that range are read, through the
 * `(user_id, created_at)` index; each row's bucket is the local calendar's, whatever daylight saving
 * does meanwhile (a Berlin day in March can last 23 hours). `created_at` holds UTC.
 */
export function usageHistorySql(userId: string, query: UsageHistoryQuery): Prisma.Sql {
  const { from, to, bucket, timeZone } = query;
  return Prisma.sql`
  WITH images AS (
    SELECT date_trunc(${bucket}, (created_at AT TIME ZONE 'UTC') AT TIME ZONE ${timeZone}) AS local_start,
           status, quality, processing_time, storage_bytes, file_type
    FROM user_images
    WHERE user_id = ${userId}
      AND created_at >= (${from}::date::timestamp AT TIME ZONE ${timeZone}) AT TIME ZONE 'UTC'
      AND created_at < ((${to}::date + 1)::timestamp AT TIME ZONE ${timeZone}) AT TIME ZONE 'UTC'
      AND deleted_at IS NULL AND trashed_at IS NULL
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
}
