import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { servePGlite, type PGliteServer } from './pgliteServer.js';

/**
 * The database side of `npm start`: an embedded PostgreSQL when no DATABASE_URL is set, and the
 * project's own `prisma migrate deploy` to bring any database up to date.
 */

export interface StartEmbeddedPostgresOptions {
  /** Folder that keeps the data between runs (created if missing). */
  dataDir: string;
  /** TCP port on 127.0.0.1; 0 or omitted picks a free one. */
  port?: number;
  /** Told about a client connection that failed (it is closed); default stderr. */
  onError?: (error: unknown) => void;
}

export interface EmbeddedPostgres {
  /** A plain `postgresql://` URL: the product talks to it with `@prisma/adapter-pg` like to any server. */
  url: string;
  stop(): Promise<void>;
}

/**
 * PGlite (PostgreSQL compiled to WebAssembly) persisted under `dataDir`, served over TCP on
 * 127.0.0.1 to any number of connections (./pgliteServer.ts), with `pg_trgm` loaded for the
 * gallery's trigram indexes. PGlite has a single database: whatever name a URL carries, every client
 * gets it.
 */
export async function startEmbeddedPostgres(options: StartEmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  // Dev dependencies: imported here only, so that production code never loads them.
  const { PGlite } = await import('@electric-sql/pglite');
  const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');

  const dataDir = path.resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create({ dataDir, extensions: { pg_trgm } });
  let server: PGliteServer;
  try {
    server = await servePGlite(db, {
      port: options.port,
      onError:
        options.onError ?? ((error) => console.error(`embedded PostgreSQL: ${error instanceof Error ? error.stack : String(error)}`)),
    });
  } catch (error) {
    await db.close().catch(() => {});
    throw error;
  }
  let stopped: Promise<void> | undefined;
  return {
    url: `postgresql://postgres:postgres@127.0.0.1:${server.port}/postgres?sslmode=disable`,
    stop: () =>
      (stopped ??= (async () => {
        await server.close();
        await db.close();
      })()),
  };
}

export interface ApplyMigrationsOptions {
  /** Give up after this long. Default 120 s. */
  timeoutMs?: number;
}

/**
 * Runs the project's own `prisma migrate deploy` (the Prisma CLI with prisma.config.ts, hence the
 * offline schema engine) against `databaseUrl`. Deploy only applies the committed migrations: it
 * needs no shadow database, so it works on PGlite's single database as on any server.
 * Resolves with the CLI's output; rejects with it when the CLI fails.
 */
export async function applyMigrations(databaseUrl: string, options: ApplyMigrationsOptions = {}): Promise<string> {
  try {
    return await runPrisma(['migrate', 'deploy'], { DATABASE_URL: databaseUrl }, options.timeoutMs);
  } catch (error) {
    throw new Error(`prisma migrate deploy failed (${redact(databaseUrl)}):\n${(error as Error).message}`, { cause: error });
  }
}

/**
 * Runs `prisma generate` when shared/db/generated is missing or was generated from another
 * schema.prisma (a fresh clone, a schema change). Resolves true when it generated.
 */
export async function ensureGeneratedClient(): Promise<boolean> {
  const root = projectRoot();
  const schema = readFileSync(path.join(root, 'prisma', 'schema.prisma'), 'utf8');
  const generated = path.join(root, 'shared', 'db', 'generated', 'internal', 'class.ts');
  if (existsSync(generated) && readFileSync(generated, 'utf8').includes(JSON.stringify(schema))) return false;
  await runPrisma(['generate'], {});
  return true;
}

/** The Prisma CLI of node_modules, with prisma.config.ts, from the project's root. */
function runPrisma(args: string[], env: Record<string, string>, timeoutMs = 120_000): Promise<string> {
  const cli = path.join(path.dirname(createRequire(import.meta.url).resolve('prisma/package.json')), 'build', 'index.js');
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [cli, ...args],
      {
        cwd: projectRoot(),
        env: { ...process.env, ...env, CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1' },
        timeout: timeoutMs,
        maxBuffer: 10 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const output = `${stdout}${stderr}`.trim();
        if (error) reject(new Error(output || error.message, { cause: error }));
        else resolve(output);
      },
    );
  });
}

/** The folder with prisma.config.ts, found upwards from here (the source tree or dist/). */
export function projectRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, 'prisma.config.ts'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('Could not find prisma.config.ts above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<database url>';
  }
}
