import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { createDatabaseClient, type Database } from '../../shared/db/index.js';

export interface TestDatabase {
  /** `postgresql://…:port/name` of this file's own database. */
  url: string;
  /** A client on it (small pool); `drop()` disconnects it. */
  db: Database;
  /** Disconnects and drops the database. Call it in `afterAll`. */
  drop(): Promise<void>;
}

/**
 * A fresh, migrated database of its own for one test file: a copy of the run's template
 * (test/setup/database.ts), made with `CREATE DATABASE … TEMPLATE …` in milliseconds.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const templateUrl = inject('databaseTemplateUrl');
  const template = new URL(templateUrl);
  const templateName = decodeURIComponent(template.pathname.slice(1));
  // Clones share the run's prefix, so the global teardown finds and drops them too.
  const name = `${templateName.replace(/template$/, '')}${randomBytes(5).toString('hex')}`;

  await withMaintenanceClient(async (admin) => {
    for (let attempt = 1; ; attempt++) {
      try {
        await admin.query(`CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${quoteIdent(templateName)}`);
        return;
      } catch (error) {
        // 55006: the template is in use (another file copying it at the same instant): try again.
        if ((error as { code?: string }).code !== '55006' || attempt >= 50) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 100));
      }
    }
  });

  const url = new URL(templateUrl);
  url.pathname = `/${encodeURIComponent(name)}`;
  const db = createDatabaseClient(url.toString(), { poolSize: 3 });
  let dropped: Promise<void> | undefined;
  return {
    url: url.toString(),
    db,
    drop: () =>
      (dropped ??= (async () => {
        await db.$disconnect().catch(() => {});
        await withMaintenanceClient((admin) => admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`));
      })()),
  };
}

/**
 * An empty database (no migration applied), named like the run's others so that the global teardown
 * drops it whatever happens. `url` connects as the server's administrator.
 */
export async function createEmptyDatabase(label: string): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const template = new URL(inject('databaseTemplateUrl'));
  const name = `${decodeURIComponent(template.pathname.slice(1)).replace(/template$/, '')}${label}_${randomBytes(4).toString('hex')}`;
  await withMaintenanceClient((admin) => admin.query(`CREATE DATABASE ${quoteIdent(name)}`));
  template.pathname = `/${encodeURIComponent(name)}`;
  return {
    name,
    url: template.toString(),
    drop: () =>
      withMaintenanceClient((admin) => admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`)).then(() => undefined),
  };
}

/** Runs `fn` with a client on the server's maintenance database (creating and dropping databases and roles). */
export async function withMaintenanceClient<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: inject('databaseServerUrl') });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
