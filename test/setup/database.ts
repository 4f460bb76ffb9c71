import type { TestProject } from 'vitest/node';
import pg from 'pg';
import { applyMigrations } from '../../dev/database.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A database migrated once for the run; test files clone it (test/support/database.ts). */
    databaseTemplateUrl: string;
    /** The server's maintenance database, from which test files create and drop their clones. */
    databaseServerUrl: string;
  }
}

/**
 * Where the tests' databases live: a PostgreSQL server on which this user may CREATE DATABASE.
 * The URL names the maintenance database used to create and drop the run's databases.
 */
export const TEST_DATABASE_SERVER_URL = process.env.TEST_DATABASE_URL?.trim() || 'postgresql://postgres@127.0.0.1:5432/postgres';

/** Every database a run creates starts with this, then the run's start time (base 36) and a random tag. */
export const TEST_DATABASE_PREFIX = 'detour_test_';

/** Databases left by runs older than this (crashed, killed) are dropped by the next run. */
const STALE_AFTER_MS = 3 * 60 * 60 * 1000;

/**
 * Vitest global setup: one migrated template database for the whole run, made with the project's
 * own `prisma migrate deploy`; every test file clones it (`CREATE DATABASE … TEMPLATE …`), which
 * takes milliseconds instead of a migration per file. Teardown drops all this run created.
 */
export default async function setup(project: TestProject) {
  const admin = await connectAdmin();
  try {
    await dropStaleDatabases(admin);
    const runPrefix = `${TEST_DATABASE_PREFIX}${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}_`;
    const templateName = `${runPrefix}template`;
    await admin.query(`CREATE DATABASE ${quoteIdent(templateName)}`);
    const templateUrl = withDatabase(TEST_DATABASE_SERVER_URL, templateName);
    try {
      await applyMigrations(templateUrl);
    } catch (error) {
      await dropDatabases(admin, [templateName]).catch(() => {});
      throw error;
    }
    project.provide('databaseTemplateUrl', templateUrl);
    project.provide('databaseServerUrl', TEST_DATABASE_SERVER_URL);

    return async () => {
      const teardown = await connectAdmin();
      try {
        await dropDatabases(teardown, await databasesStartingWith(teardown, runPrefix));
      } finally {
        await teardown.end();
      }
    };
  } finally {
    await admin.end();
  }
}

async function connectAdmin(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_SERVER_URL, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    return client;
  } catch (error) {
    await client.end().catch(() => {});
    throw new Error(
      [
        `The tests need PostgreSQL at ${redact(TEST_DATABASE_SERVER_URL)} and could not connect: ${(error as Error).message}`,
        'Start it, e.g. on Debian: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start',
        'or point TEST_DATABASE_URL at a server where this user may CREATE DATABASE (its maintenance database, e.g. …/postgres).',
      ].join('\n'),
      { cause: error },
    );
  }
}

async function databasesStartingWith(client: pg.Client, prefix: string): Promise<string[]> {
  const { rows } = await client.query<{ datname: string }>(
    `SELECT datname FROM pg_database WHERE starts_with(datname, $1) ORDER BY datname`,
    [prefix],
  );
  return rows.map((row) => row.datname);
}

async function dropStaleDatabases(client: pg.Client): Promise<void> {
  const now = Date.now();
  const stale = (await databasesStartingWith(client, TEST_DATABASE_PREFIX)).filter((name) => {
    const startedAt = parseInt(name.slice(TEST_DATABASE_PREFIX.length).split('_')[0] ?? '', 36);
    return Number.isFinite(startedAt) && now - startedAt > STALE_AFTER_MS;
  });
  await dropDatabases(client, stale);
}

/** Clones first, the template last (a template cannot go while it is being copied). */
async function dropDatabases(client: pg.Client, names: string[]): Promise<void> {
  const ordered = [...names].sort((a, b) => Number(a.endsWith('_template')) - Number(b.endsWith('_template')));
  for (const name of ordered) await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  if (!parsed.port) parsed.port = '5432';
  return parsed.toString();
}

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}
