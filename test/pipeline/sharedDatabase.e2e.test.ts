import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations } from '../../dev/database.js';
import { createDatabaseClient } from '../../shared/db/index.js';
import { createEmptyDatabase, withMaintenanceClient } from '../support/database.js';
import { startPgBouncer, type RunningPgBouncer } from '../support/pgBouncer.js';
import { discOnPlainBackground } from '../support/sampleImages.js';
import { startTestApp, type TestApp } from '../support/testApp.js';
import { uploadThroughApi, waitForSettledImage } from '../support/uploadThroughApi.js';

/**
 * detour deployed as production deploys it into the database of the product's own app, which already
 * has a `"User"` table (with rows), its own Prisma migration history and pg_trgm: migrations into the
 * `detour` schema (`?schema=detour`), the application role made by infra/scripts/grant-app-role.mjs, and
 * the app connecting as that role through PgBouncer in transaction mode. The whole pipeline and every
 * raw query run, and the app's tables come out exactly as they went in.
 */

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SCHEMA = 'detour';

/** Every row of the product app's tables, and its migration history, as text. */
async function appTables(url: string): Promise<Record<string, unknown>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const users = await client.query('SELECT * FROM public."User" ORDER BY id');
    const history = await client.query('SELECT * FROM public._prisma_migrations ORDER BY id');
    const columns = await client.query(
      `SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`,
    );
    return { users: users.rows, history: history.rows, columns: columns.rows };
  } finally {
    await client.end();
  }
}

describe('detour in a database it shares with the product app', () => {
  const role = `detour_app_${randomBytes(4).toString('hex')}`;
  const password = randomBytes(18).toString('hex');
  let database: Awaited<ReturnType<typeof createEmptyDatabase>>;
  let pooler: RunningPgBouncer;
  let app: TestApp;
  let before: Record<string, unknown>;

  beforeAll(async () => {
    database = await createEmptyDatabase('shared');
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    try {
      // What a Prisma app with a User model already has in the database.
      await admin.query(`
        CREATE EXTENSION pg_trgm;
        CREATE TABLE public."User" (id text PRIMARY KEY, email text NOT NULL UNIQUE, name text, "createdAt" timestamp(3) NOT NULL DEFAULT now());
        INSERT INTO public."User" (id, email, name) VALUES ('user_1', 'ada@example.test', 'Ada'), ('user_2', 'alan@example.test', 'Alan');
        CREATE TABLE public._prisma_migrations (id varchar(36) PRIMARY KEY, checksum varchar(64) NOT NULL, finished_at timestamptz,
          migration_name varchar(255) NOT NULL, logs text, rolled_back_at timestamptz, started_at timestamptz NOT NULL DEFAULT now(),
          applied_steps_count integer NOT NULL DEFAULT 0);
        INSERT INTO public._prisma_migrations (id, checksum, finished_at, migration_name, applied_steps_count)
          VALUES ('00000000-0000-0000-0000-000000000001', repeat('a', 64), now(), '20250101000000_app_init', 1);`);
    } finally {
      await admin.end();
    }
    before = await appTables(database.url);

    // The predeploy hook's two steps, as the administrator.
    const adminUrl = `${database.url}?schema=${SCHEMA}`;
    await applyMigrations(adminUrl);
    await promisify(execFile)(process.execPath, [path.join(repositoryRoot, 'infra/scripts/grant-app-role.mjs')], {
      env: { PATH: process.env.PATH, DATABASE_URL: adminUrl, POSTGRES_APP_LOGIN: role, POSTGRES_APP_PASSWORD: password },
    });

    pooler = await startPgBouncer({ users: [role], defaultPoolSize: 3 });
    const url = pooler.url({ user: role, password, database: database.name, search: `?schema=${SCHEMA}` });
    const db = createDatabaseClient(url, { poolSize: 5 });
    app = await startTestApp({
      database: { url, db, drop: () => db.$disconnect() },
      env: { DATABASE_URL: url },
    });
  });

  afterAll(async () => {
    await app?.stop();
    await pooler?.stop();
    await database?.drop();
    await withMaintenanceClient((client) => client.query(`DROP ROLE IF EXISTS ${role}`));
  });

  it('keeps its tables, types and migration history in its own schema', async () => {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query(
        `SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema IN ('public', $1) ORDER BY 1, 2`,
        [SCHEMA],
      );
      expect(rows.map((row) => `${row.table_schema}.${row.table_name}`)).toEqual([
        'detour._prisma_migrations',
        'detour.api_keys',
        'detour.gallery_export_items',
        'detour.gallery_exports',
        'detour.reconciliation_cursors',
        'detour.share_links',
        'detour.storage_quotas',
        'detour.upload_rate_windows',
        'detour.user_images',
        'detour.users',
        'detour.webhook_deliveries',
        'detour.webhooks',
        'public.User',
        'public._prisma_migrations',
      ]);
    } finally {
      await client.end();
    }
  });

  it('runs the pipeline and every raw query of the API as its role, through PgBouncer', async () => {
    // detour's user id is the app's User.id, carried as the token's sub.
    const token = await app.tokenFor('user_1');
    const { imageId } = await uploadThroughApi(app, token, await discOnPlainBackground(), { fileName: 'disc.jpg', tags: ['shared'] });
    expect((await waitForSettledImage(app, token, imageId)).status).toBe('ready');

    const gallery = await app.api('GET', '/api/gallery?tags=shared', { token });
    expect(gallery.body.items.map((item: { id: string }) => item.id)).toEqual([imageId]);
    const usage = await app.api('GET', '/api/me/usage', { token });
    expect(usage.body).toMatchObject({ imageCount: 1, byStatus: { ready: 1 } });
    const share = await app.api('POST', `/api/images/${imageId}/share`, { token, body: { expiresInHours: 1 } });
    expect((await app.api('GET', `/api/shared/${share.body.token}`)).status).toBe(200);
    expect((await app.api('DELETE', `/api/images/${imageId}`, { token })).status).toBe(204);
    const trash = await app.api('GET', '/api/trash', { token });
    expect(trash.body.items.map((item: { id: string }) => item.id)).toEqual([imageId]);
    expect((await app.api('DELETE', '/api/trash', { token })).status).toBe(202);

    expect(await app.db.user.findUniqueOrThrow({ where: { id: 'user_1' } })).toMatchObject({ id: 'user_1', storageUsed: 0n });
  });

  it("leaves the product app's tables and migration history exactly as they were, and out of the role's reach", async () => {
    expect(await appTables(database.url)).toEqual(before);
    await expect(app.db.$queryRawUnsafe('SELECT * FROM public."User"')).rejects.toThrow(/permission denied/);
    await expect(app.db.$queryRawUnsafe(`SELECT * FROM ${SCHEMA}._prisma_migrations`)).rejects.toThrow(/permission denied/);
  });
});
