import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { applyMigrations } from '../dev/database.js';
import { createEmptyDatabase } from '../test/support/database.js';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const migrationsDir = path.join(root, 'prisma', 'migrations');
const prismaCli = path.join(path.dirname(createRequire(import.meta.url).resolve('prisma/package.json')), 'build', 'index.js');

/** Runs a `prisma …` npm script of package.json (so the test checks the script itself) with the CLI. */
async function runScript(name: string, env: Record<string, string | undefined>, extraArgs: string[] = []) {
  const scripts = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')).scripts as Record<string, string>;
  const [command, ...args] = scripts[name]!.split(/\s+/);
  expect(command).toBe('prisma');
  return runPrisma([...args, ...extraArgs], env);
}

function runPrisma(args: string[], env: Record<string, string | undefined>) {
  return new Promise<{ code: number; output: string }>((resolve) => {
    execFile(
      process.execPath,
      [prismaCli, ...args],
      { cwd: root, env: { ...process.env, CHECKPOINT_DISABLE: '1', ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, output: `${stdout}${stderr}` });
      },
    );
  });
}

async function migrationDirectories() {
  return (await readdir(migrationsDir, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

describe('migrations on PostgreSQL', () => {
  let admin: pg.Client;
  let database: Awaited<ReturnType<typeof createEmptyDatabase>>;
  let url: string;

  beforeAll(async () => {
    database = await createEmptyDatabase('empty');
    url = database.url;
    admin = new pg.Client({ connectionString: inject('databaseServerUrl') });
    await admin.connect();
  });
  afterAll(async () => {
    await database?.drop();
    await admin?.end();
  });

  it('apply to an empty database, and re-running them is a no-op', async () => {
    const directories = await migrationDirectories();
    expect(directories.length).toBeGreaterThan(0);

    const first = await applyMigrations(url);
    for (const directory of directories) expect(first).toContain(directory);
    expect(first).toMatch(/All migrations have been successfully applied/);

    const second = await applyMigrations(url);
    expect(second).toMatch(/No pending migrations to apply/);

    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query(
        `SELECT migration_name, checksum, finished_at, rolled_back_at, logs, applied_steps_count
           FROM "_prisma_migrations" ORDER BY migration_name`,
      );
      expect(rows.map((row) => row.migration_name)).toEqual(directories);
      for (const row of rows) {
        const script = await readFile(path.join(migrationsDir, row.migration_name, 'migration.sql'));
        expect(row.checksum).toBe(createHash('sha256').update(script).digest('hex'));
        expect(row.finished_at).toBeInstanceOf(Date);
        expect(row.rolled_back_at).toBeNull();
        expect(row.logs).toBeNull();
        expect(row.applied_steps_count).toBe(1);
      }

      const tables = await client.query(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
      );
      expect(tables.rows.map((row) => row.table_name)).toEqual([
        '_prisma_migrations',
        'api_keys',
        'gallery_export_items',
        'gallery_exports',
        'reconciliation_cursors',
        'share_links',
        'storage_quotas',
        'upload_rate_windows',
        'user_images',
        'users',
        'webhook_deliveries',
        'webhooks',
      ]);
      const trigram = await client.query(
        `SELECT indexname FROM pg_indexes WHERE tablename = 'user_images' AND indexdef LIKE '%gin_trgm_ops%' ORDER BY indexname`,
      );
      expect(trigram.rows.map((row) => row.indexname)).toEqual(['user_images_original_name_idx', 'user_images_title_idx']);
    } finally {
      await client.end();
    }
  });

  it('match schema.prisma (db:check exits 0), and a schema that drifts is caught (exit 2)', async () => {
    const schema = await readFile(path.join(root, 'prisma', 'schema.prisma'), 'utf8');
    const drifted = schema.replace(/model User \{\n/, 'model User {\n  nickname String?\n');
    expect(drifted).not.toBe(schema);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'detour-drift-'));
    try {
      await writeFile(path.join(dir, 'schema.prisma'), drifted);
      // The shadow database the engine replays the migrations into is a temporary one on the server.
      const [clean, drift] = await Promise.all([
        runScript('db:check', { DATABASE_URL: url }),
        runPrisma(['migrate', 'diff', '--from-migrations', migrationsDir, '--to-schema', path.join(dir, 'schema.prisma'), '--exit-code'], {
          DATABASE_URL: url,
        }),
      ]);
      expect(clean.output).toMatch(/No difference detected/);
      expect(clean.code).toBe(0);
      expect(drift.output).toMatch(/Changed the `users` table[\s\S]*Added column `nickname`/);
      expect(drift.code).toBe(2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const { rows } = await admin.query(`SELECT datname FROM pg_database WHERE datname LIKE 'prisma_migrate_shadow_db_%'`);
    expect(rows).toEqual([]);
  });
});
