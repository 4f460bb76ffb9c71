import { z } from 'zod';

const count = z.number().int().min(0);

const usageBucketSchema = z.object({
  start: z.iso.date().meta({ description: 'First day of the bucket in the requested time zone.' }),
  uploads: count.meta({ description: 'Images uploaded (upload requested) in the bucket and not deleted.' }),
  ready: count.meta({ description: 'Of those, the ones processed successfully.' }),
  failed: count.meta({ description: 'Of those, the ones that failed (rejected upload or processing failure).' }),
  bytesAdded: count.meta({ description: 'Bytes those images count against the storage limit now.' }),
  processingMs: z
    .object({ p50: count.nullable(), p95: count.nullable() })
    .meta({ description: 'Median and 95th percentile of the processing time of its ready images; null without one.' }),
  quality: z.object({ excellent: count, good: count, fair: count }).meta({ description: 'Ready images by cut-out quality.' }),
  byType: z.record(z.string(), count).meta({ description: 'Images per content type.' }),
});

/** The reply of `GET /api/me/usage/history`: every bucket of the range, oldest first, empty ones included. */
export const usageHistorySchema = z.object({ buckets: z.array(usageBucketSchema) });

export type UsageHistory = z.infer<typeof usageHistorySchema>;
