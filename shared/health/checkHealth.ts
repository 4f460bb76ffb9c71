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

/**
 * `GET /api/health`: one cheap round trip to PostgreSQL and to Blob Storage, side by side. The database
 * probe reads detour's own table unqualified, as every raw query does: a role whose search_path does not
 * reach detour's schema (prisma/README.md) fails here, not on a user's first request.
 */
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
    probe('database', () => options.db.$queryRaw`SELECT 1 FROM users LIMIT 1`),
    probe('storage', () => options.blobs.ping()),
  ]);
  return { status: database === 'ok' && storage === 'ok' ? 'ok' : 'error', checks: { database, storage } };
}
