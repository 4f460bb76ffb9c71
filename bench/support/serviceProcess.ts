import { spawn } from 'node:child_process';
import { once } from 'node:events';
import readline from 'node:readline';
import { onCleanup } from './cleanup.js';

/**
 * A part of the product run as its own process from its own entry point (the devhost's
 * `dist/devhost/main.js`, the remover's `dist/remover/main.js`), so that the benchmark's client load
 * and bookkeeping never share its event loop or its memory. Resolves once the process prints the line
 * that says where it listens; every line it prints is handed to `onLine`.
 */

export interface ServiceProcess {
  pid: number;
  url: string;
  stop(): Promise<void>;
}

export interface StartServiceOptions {
  name: string;
  script: string;
  args?: string[];
  env: Record<string, string | undefined>;
  /** The line that says the service is ready; its first group is the URL. */
  ready: RegExp;
  onLine?: (line: string) => void;
}

const STOP_GRACE_MS = 15_000;

export async function startService(options: StartServiceOptions): Promise<ServiceProcess> {
  const child = spawn(process.execPath, ['--enable-source-maps', options.script, ...(options.args ?? [])], {
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = once(child, 'exit');
  const stop = onCleanup(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(killer);
  });

  const recent: string[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    let found: string | undefined;
    const onLine = (line: string) => {
      recent.push(line);
      if (recent.length > 40) recent.shift();
      const match = found ? null : options.ready.exec(line);
      if (match) {
        found = match[1]!;
        resolve(found);
      }
      options.onLine?.(line);
    };
    readline.createInterface({ input: child.stdout }).on('line', onLine);
    readline.createInterface({ input: child.stderr }).on('line', onLine);
    child.once('error', reject);
    void exited.then(([code, signal]) => {
      if (!found) reject(new Error(`${options.name} exited (${signal ?? code}) before it was ready:\n${recent.join('\n')}`));
    });
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  return { pid: child.pid!, url, stop };
}
