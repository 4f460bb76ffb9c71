import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { freePort } from './freePort.js';

/**
 * A PgBouncer of the test's own in front of the tests' PostgreSQL, in transaction pooling as Azure's
 * built-in one runs: a server connection belongs to a client for one transaction only. Debian's
 * pgbouncer (scripts/ensure-test-tools.sh installs it; `npm test` runs that first).
 */
export interface RunningPgBouncer {
  port: number;
  /** A connection string through the pooler. */
  url(options: { user: string; password?: string; database: string; search?: string }): string;
  stop(): Promise<void>;
}

export interface StartPgBouncerOptions {
  /** Roles that may connect (trust authentication, as the tests' server uses). */
  users: readonly string[];
  /** Server connections per user/database pair. */
  defaultPoolSize: number;
}

const BINARY = ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer'].find((candidate) => existsSync(candidate));

export async function startPgBouncer(options: StartPgBouncerOptions): Promise<RunningPgBouncer> {
  if (!BINARY) throw new Error('pgbouncer is not installed: run scripts/ensure-test-tools.sh (npm test does).');
  const server = new URL(inject('databaseServerUrl'));
  const folder = await mkdtemp(path.join(os.tmpdir(), 'detour-pgbouncer-'));
  const port = await freePort();
  await writeFile(path.join(folder, 'users.txt'), options.users.map((user) => `"${user}" ""\n`).join(''));
  await writeFile(
    path.join(folder, 'pgbouncer.ini'),
    [
      '[databases]',
      `* = host=${server.hostname} port=${server.port || 5432}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = trust',
      `auth_file = ${path.join(folder, 'users.txt')}`,
      'pool_mode = transaction',
      `default_pool_size = ${options.defaultPoolSize}`,
      'max_client_conn = 500',
      '',
    ].join('\n'),
  );
  // PgBouncer will not run as root: as root it is told to switch to the server's own user.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    await chmod(folder, 0o755);
    for (const file of ['users.txt', 'pgbouncer.ini']) await chmod(path.join(folder, file), 0o644);
  }
  const child = spawn(BINARY, [...(asRoot ? ['-u', 'postgres'] : []), path.join(folder, 'pgbouncer.ini')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const log: string[] = [];
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => log.push(chunk));
  const url: RunningPgBouncer['url'] = ({ user, password, database, search }) =>
    `postgresql://${user}${password ? `:${password}` : ''}@127.0.0.1:${port}/${database}${search ?? ''}`;
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    await rm(folder, { recursive: true, force: true });
  };
  try {
    await waitUntilListening(
      port,
      () => child.exitCode !== null,
      () => log.join(''),
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { port, url, stop };
}

async function waitUntilListening(port: number, exited: () => boolean, log: () => string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (exited()) throw new Error(`pgbouncer exited:\n${log()}`);
    const connected = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      const settle = (listening: boolean) => {
        socket.destroy();
        resolve(listening);
      };
      socket.once('connect', () => settle(true));
      socket.once('error', () => settle(false));
      socket.setTimeout(500, () => settle(false));
    });
    if (connected) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`pgbouncer did not listen on ${port}:\n${log()}`);
}

/** Server connections open to a database right now (as the server sees them). */
export async function serverConnections(database: string): Promise<number> {
  const client = new pg.Client({ connectionString: inject('databaseServerUrl') });
  await client.connect();
  try {
    const { rows } = await client.query<{ count: number }>('SELECT count(*)::int AS count FROM pg_stat_activity WHERE datname = $1', [
      database,
    ]);
    return rows[0]!.count;
  } finally {
    await client.end();
  }
}
