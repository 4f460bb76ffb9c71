import type { Database } from '../db/index.js';

/**
 * Where each reconciliation task stopped (a blob listing's continuation token, the last id handled),
 * so that every run handles one bounded batch and the next resumes after it. A task at its end stores
 * `null` and starts over next time.
 */
export interface ReconciliationCursors {
  read(task: string): Promise<string | undefined>;
  write(task: string, position: string | undefined): Promise<void>;
}

export function reconciliationCursors(db: Database): ReconciliationCursors {
  return {
    async read(task) {
      const cursor = await db.reconciliationCursor.findUnique({ where: { task } });
      return cursor?.position ?? undefined;
    },
    async write(task, position) {
      await db.reconciliationCursor.upsert({
        where: { task },
        create: { task, position: position ?? null },
        update: { position: position ?? null },
      });
    },
  };
}
