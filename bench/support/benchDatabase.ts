import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { onCleanup } from './cleanup.js';

/**
 * A database of the benchmark's own on the local PostgreSQL server, named uniquely, migrated with the
 * project's own command (`npm run db:migrate`), and dropped by `drop()` (or on interruption).
 */

export interface BenchDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** The server's maintenance database; `BENCH_POSTGRES_URL` points elsewhere. */
const ADMIN_URL = process.env.BENCH_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));

async function admin<Result>(run: (client: pg.Client) => Promise<Result>): Promise<Result> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

function migrate(databaseUrl: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', 'db:migrate'], {
      cwd: repositoryRoot,
      env: { ...process.env, DATABASE_URL: databaseUrl },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`npm run db:migrate failed (${code}):\n${output}`))));
  });
}

export async function createBenchDatabase(label: string): Promise<BenchDatabase> {
  const name = `detour_bench_${label}_${process.pid}_${Date.now().toString(36)}`.toLowerCase();
  await admin((client) => client.query(`CREATE DATABASE "${name}"`));
  const release = onCleanup(() => admin((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined));
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  try {
    await migrate(url.toString());
  } catch (error) {
    await release();
    throw error;
  }
  return { name, url: url.toString(), drop: release };
}
