import { z } from 'zod';

const count = z.number().int().min(0);

/** The reply of `GET /api/me/usage`. */
export const usageSchema = z.object({
  storageUsed: count.meta({ description: 'Bytes counted against the limit (stored files and uploads in flight).' }),
  storageLimit: count,
  imageCount: count.meta({ description: 'Images counted against the limit.' }),
  imageLimit: count,
  byType: z.record(z.string(), count).meta({ description: 'Images per content type.' }),
  byStatus: z.object({ pending_upload: count, queued: count, processing: count, ready: count, failed: count }),
  processing: z
    .object({ avgMs: count.nullable(), p95Ms: count.nullable() })
    .meta({ description: 'Processing time of ready images; null before the first one.' }),
  quality: z.object({ excellent: count, good: count, fair: count }),
});

export type Usage = z.infer<typeof usageSchema>;
