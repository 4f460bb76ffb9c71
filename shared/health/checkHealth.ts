import type { Database } from '../db/index.js';
import type { EventLog } from '../observability/eventLog.js';
import type { BlobStore } from '../storage/blobStore.js';
import type { Health } from './healthSchema.js';

export interface CheckHealthOptions {
  db: Database;
  blobs: BlobStore;
  log: EventLog;
  /** A check that takes longer has failed: a probe must answer even when a dependency hangs. */
  timeoutMs?: number;
}

/** `GET /api/health`: one cheap round trip to PostgreSQL and to Blob Storage, side by side. */
export async function checkHealth(options: CheckHealthOptions): Promise<Health> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const probe = async (check: keyof Health['checks'], attempt: () => Promise<unknown>) => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([attempt(), timeout]);
      return 'ok' as const;
    } catch (error) {
      // The reason goes to the logs only: the reply is public and must not describe the back end.
      options.log('health_check_failed', { check, outcome: 'failed', reason: error instanceof Error ? error.message : String(error) });
      return 'error' as const;
    } finally {
      clearTimeout(timer);
    }
  };
  const [database, storage] = await Promise.all([
    probe('database', () => options.db.$queryRaw`SELECT 1`),
    probe('storage', () => options.blobs.ping()),
  ]);
  return { status: database === 'ok' && storage === 'ok' ? 'ok' : 'error', checks: { database, storage } };
}
