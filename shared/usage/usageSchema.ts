import { z } from 'zod';

const count = z.number().int().min(0);

/** The reply of `GET /api/me/usage`. */
export const usageSchema = z.object({
  storageUsed: count.meta({
    description: 'Bytes counted against the limit (stored files, the trash’s included, and uploads in flight).',
  }),
  storageLimit: count,
  imageCount: count.meta({ description: 'Images counted against the limit, those in the trash included.' }),
  imageLimit: count,
  byType: z.record(z.string(), count).meta({ description: 'Gallery images (not those in the trash) per content type.' }),
  byStatus: z.object({ pending_upload: count, queued: count, processing: count, ready: count, failed: count }),
  processing: z
    .object({ avgMs: count.nullable(), p95Ms: count.nullable() })
    .meta({ description: 'Processing time of ready images; null before the first one.' }),
  quality: z.object({ excellent: count, good: count, fair: count }),
  trash: z
    .object({ images: count, bytes: count })
    .meta({ description: 'What “Recently deleted” holds: still counted in `imageCount` and `storageUsed` until restored or purged.' }),
});

export type Usage = z.infer<typeof usageSchema>;
