import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './freePort.js';

/**
 * The product as `npm start` runs it (Azurite, the database, the remover, the devhost with every
 * function and the page), in a process group of its own, on a free port and a data folder of its own.
 * It runs the server step of `npm start` on the build `npm test` made first: `npm start` itself would
 * rebuild dist/ and shared/db/generated/ while the other test files load them.
 */

const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));
/** `npm start` after its build. */
export const PRODUCT_ENTRY = path.join(repositoryRoot, 'dist', 'dev', 'start.js');
/** Azurite, migrations, the remover and the host on a busy 2-core machine. */
export const PRODUCT_START_TIMEOUT_MS = 120_000;

export interface StartProductOptions {
  /** A server database; without it the product runs on its embedded PostgreSQL. */
  databaseUrl?: string;
  /** Extra app settings for the functions. */
  env?: Record<string, string>;
  /** A data folder (Azurite's files) to keep across runs, e.g. to start again after a kill; a fresh one by default. */
  dataFolder?: string;
}

export interface RunningProduct {
  baseUrl: string;
  /** The start-up table's rows, by name (`Azurite blob`, `PostgreSQL (embedded, …)`…). */
  table: Map<string, string>;
  output: string[];
  stop(): Promise<void>;
  /** SIGKILL of the whole process group (Azurite, the remover, the host) at once, as a power cut; the data folder is kept. */
  kill(): Promise<void>;
}

/** The end of a process's output, enough to see why it failed. */
export function lastLines(output: readonly string[], count = 60): string {
  return output.join('').split('\n').slice(-count).join('\n');
}

/** `name  url` rows of the table `npm start` prints once everything runs. */
function startupTable(output: readonly string[]): Map<string, string> {
  const text = output.join('');
  const table = new Map<string, string>();
  for (const match of text.matchAll(/^ {2}(\S.*?)\s{2,}(\S+)$/gm)) table.set(match[1]!, match[2]!);
  return table;
}

/** Starts the product and resolves once the API is healthy, the page served and the start-up table printed. */
export async function startProduct(options: StartProductOptions = {}): Promise<RunningProduct> {
  if (!existsSync(PRODUCT_ENTRY)) throw new Error(`The test runs the built product, and ${PRODUCT_ENTRY} is missing: npm run build first.`);
  const port = await freePort();
  const baseUrl = `http://localhost:${port}`;
  const dataFolder = options.dataFolder ?? (await mkdtemp(path.join(os.tmpdir(), 'detour-product-')));
  const { DATABASE_URL: _ignored, ...inherited } = process.env;
  const args = [PRODUCT_ENTRY, '--data', dataFolder, '--free-ports', ...(options.databaseUrl ? [] : ['--embedded-database'])];
  const child = spawn(process.execPath, args, {
    cwd: repositoryRoot,
    env: {
      ...inherited,
      ...options.env,
      PORT: String(port),
      PUBLIC_BASE_URL: baseUrl,
      ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
    },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));

  const stop = async () => {
    if (exitCode === undefined && child.pid !== undefined) {
      process.kill(-child.pid, 'SIGTERM');
      const stopped = await Promise.race([
        exited.then(() => true),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 20_000)),
      ]);
      if (!stopped) {
        process.kill(-child.pid, 'SIGKILL');
        await exited;
      }
    }
    if (!options.dataFolder) await rm(dataFolder, { recursive: true, force: true });
  };
  const kill = async () => {
    if (exitCode === undefined && child.pid !== undefined) {
      process.kill(-child.pid, 'SIGKILL');
      await exited;
    }
  };

  const deadline = Date.now() + PRODUCT_START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exitCode !== undefined) {
      await stop();
      throw new Error(`the product exited with code ${exitCode} before serving:\n${lastLines(output)}`);
    }
    const [health, page] = await Promise.all(
      [`${baseUrl}/api/health`, `${baseUrl}/gallery`].map((url) =>
        fetch(url).then(
          (response) => response.status,
          () => 0,
        ),
      ),
    );
    const table = startupTable(output);
    if (health === 200 && page === 200 && table.size > 0) return { baseUrl, table, output, stop, kill };
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  await stop();
  throw new Error(
    `the product did not serve a healthy API and the page within ${PRODUCT_START_TIMEOUT_MS / 1000} s:\n${lastLines(output)}`,
  );
}
