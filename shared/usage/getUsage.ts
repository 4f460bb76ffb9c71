import type { Database } from '../db/index.js';
import type { Usage } from './usageSchema.js';

export interface GetUsageOptions {
  db: Database;
  userId: string;
}

interface QuotaRow {
  storageUsed: bigint;
  storageLimit: bigint;
  imageCount: number;
  imageLimit: number;
}

interface GroupRow {
  dimension: 'type' | 'status' | 'quality';
  key: string | null;
  images: number;
}

interface TrashRow {
  images: number;
  bytes: bigint;
}

interface TimingRow {
  avgMs: number | null;
  p95Ms: number | null;
}

/**
 * `GET /api/me/usage`: the quota, the caller's gallery images counted three ways, processing time (mean
 * and 95th percentile), and what their trash holds (counted in the quota until it is purged), all
 * aggregated by PostgreSQL — no image row is loaded.
 */
export async function getUsage(options: GetUsageOptions): Promise<Usage> {
  const { db, userId } = options;
  const [quotaRows, groups, timings, trashRows] = await Promise.all([
    db.$queryRaw<QuotaRow[]>`
      SELECT u.storage_used AS "storageUsed", q.storage_limit AS "storageLimit", q.image_count AS "imageCount", q.image_limit AS "imageLimit"
      FROM users u JOIN storage_quotas q ON q.user_id = u.id
      WHERE u.id = ${userId}`,
    db.$queryRaw<GroupRow[]>`
      SELECT CASE WHEN GROUPING(file_type) = 0 THEN 'type' WHEN GROUPING(status) = 0 THEN 'status' ELSE 'quality' END AS "dimension",
             COALESCE(file_type, status::text, quality::text) AS "key",
             count(*)::int AS "images"
      FROM user_images
      WHERE user_id = ${userId} AND deleted_at IS NULL AND trashed_at IS NULL
      GROUP BY GROUPING SETS ((file_type), (status), (quality))`,
    db.$queryRaw<TimingRow[]>`
      SELECT round(avg(processing_time))::int AS "avgMs",
             round((percentile_cont(0.95) WITHIN GROUP (ORDER BY processing_time))::numeric)::int AS "p95Ms"
      FROM user_images
      WHERE user_id = ${userId} AND deleted_at IS NULL AND trashed_at IS NULL AND status = 'ready' AND processing_time IS NOT NULL`,
    db.$queryRaw<TrashRow[]>`
      SELECT count(*)::int AS "images", COALESCE(sum(storage_bytes), 0)::bigint AS "bytes"
      FROM user_images
      WHERE user_id = ${userId} AND deleted_at IS NULL AND trashed_at IS NOT NULL`,
  ]);
  const quota = quotaRows[0];
  if (!quota) throw new Error(`User ${userId} has no quota row.`);

  const usage: Usage = {
    storageUsed: Number(quota.storageUsed),
    storageLimit: Number(quota.storageLimit),
    imageCount: quota.imageCount,
    imageLimit: quota.imageLimit,
    byType: {},
    byStatus: { pending_upload: 0, queued: 0, processing: 0, ready: 0, failed: 0 },
    processing: { avgMs: timings[0]?.avgMs ?? null, p95Ms: timings[0]?.p95Ms ?? null },
    quality: { excellent: 0, good: 0, fair: 0 },
    trash: { images: trashRows[0]?.images ?? 0, bytes: Number(trashRows[0]?.bytes ?? 0n) },
  };
  for (const { dimension, key, images } of groups) {
    if (key === null) continue;
    if (dimension === 'type') usage.byType[key] = images;
    else if (dimension === 'status') usage.byStatus[key as keyof Usage['byStatus']] = images;
    else usage.quality[key as keyof Usage['quality']] = images;
  }
  return usage;
}
