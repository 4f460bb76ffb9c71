import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * Starts Azurite (pinned 3.35.0, the last release that runs on Node 20) as a child process and
 * resolves once blob, queue and table services listen. Used by `npm start`, the devhost and the test
 * suite's global setup alike.
 */

export interface StartAzuriteOptions {
  /** Folder for persisted data; omitted means in-memory (tests). */
  location?: string;
  /** Fixed ports (`npm start` uses the well-known 10000-10002); 0 picks free ones. */
  blobPort?: number;
  queuePort?: number;
  tablePort?: number;
  /** Prints Azurite's access log. */
  verbose?: boolean;
}

export interface RunningAzurite {
  blobUrl: string;
  queueUrl: string;
  tableUrl: string;
  /** A connection string for the well-known development account on these ports. */
  connectionString: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

// Azurite's well-known development account: public, documented, only valid against the emulator.
const AZURITE_ACCOUNT = 'devstoreaccount1';
const AZURITE_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export function azuriteConnectionString(urls: { blobUrl: string; queueUrl: string; tableUrl: string }): string {
  return [
    'DefaultEndpointsProtocol=http',
    `AccountName=${AZURITE_ACCOUNT}`,
    `AccountKey=${AZURITE_KEY}`,
    `BlobEndpoint=${urls.blobUrl}`,
    `QueueEndpoint=${urls.queueUrl}`,
    `TableEndpoint=${urls.tableUrl}`,
  ].join(';');
}

const LISTENING = /Azurite (Blob|Queue|Table) service is successfully listening at (http:\/\/\S+)/;

export async function startAzurite(options: StartAzuriteOptions = {}): Promise<RunningAzurite> {
  const require = createRequire(import.meta.url);
  const entry = path.join(path.dirname(require.resolve('azurite/package.json')), 'dist/src/azurite.js');
  const args = [
    entry,
    '--blobPort',
    String(options.blobPort ?? 0),
    '--queuePort',
    String(options.queuePort ?? 0),
    '--tablePort',
    String(options.tablePort ?? 0),
    // The storage SDK speaks a newer service version than Azurite 3.35 knows.
    '--skipApiVersionCheck',
    '--disableTelemetry',
    '--loose',
    ...(options.location ? ['--location', options.location] : ['--inMemoryPersistence']),
    ...(options.verbose ? [] : ['--silent']),
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });

  const urls = await new Promise<Record<'Blob' | 'Queue' | 'Table', string>>((resolve, reject) => {
    const found: Partial<Record<'Blob' | 'Queue' | 'Table', string>> = {};
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      for (const line of chunk.toString().split('\n')) {
        const match = LISTENING.exec(line);
        if (match) found[match[1] as 'Blob' | 'Queue' | 'Table'] = match[2]!.replace(/\/$/, '');
      }
      if (found.Blob && found.Queue && found.Table) {
        child.stdout?.off('data', onData);
        if (options.verbose) child.stdout?.pipe(process.stdout);
        resolve(found as Record<'Blob' | 'Queue' | 'Table', string>);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`Azurite exited with code ${code} before listening:\n${output}`)));
    child.once('error', reject);
  });
  child.stdout?.resume();
  child.stderr?.resume();

  const running = {
    blobUrl: `${urls.Blob}/${AZURITE_ACCOUNT}`,
    queueUrl: `${urls.Queue}/${AZURITE_ACCOUNT}`,
    tableUrl: `${urls.Table}/${AZURITE_ACCOUNT}`,
  };
  return {
    ...running,
    connectionString: azuriteConnectionString(running),
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
