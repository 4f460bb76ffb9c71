import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

/**
 * A measurement in a child process of its own, so that the harness (its heap, its other work, what an
 * earlier variant left in the allocator) cannot disturb it. The child is a TypeScript file run through
 * tsx, or a compiled one run by Node alone; it talks to the parent over Node's IPC channel (see `workerChannel.ts`). With `cpus` it is
 * pinned with taskset (all of its threads) before Node starts.
 */

export interface WorkerOptions {
  /** A CPU list for taskset, e.g. `0` or `0,1`. */
  cpus?: string;
  env?: Record<string, string>;
}

const TSX_LOADER = import.meta.resolve('tsx');

export class Worker<Message = unknown> {
  private readonly child: ChildProcess;
  private readonly inbox: Message[] = [];
  private readonly waiting: Array<(message: Message) => void> = [];
  private readonly exited: Promise<void>;

  constructor(script: URL, input: unknown, options: WorkerOptions = {}) {
    // A compiled script (`.js` under dist/) runs as the product does, without the TypeScript loader.
    const loader = script.pathname.endsWith('.ts') ? ['--import', TSX_LOADER] : [];
    const node = [process.execPath, ...loader, fileURLToPath(script), JSON.stringify(input)];
    const [command, ...args] = options.cpus ? ['taskset', '--cpu-list', options.cpus, ...node] : node;
    this.child = spawn(command!, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, ...options.env } });
    this.child.on('message', (message: Message) => {
      const receiver = this.waiting.shift();
      if (receiver) receiver(message);
      else this.inbox.push(message);
    });
    // 'close' comes after the IPC channel closed, so every message sent before the exit has arrived.
    this.exited = once(this.child, 'close').then(([code, signal]) => {
      if (code !== 0) throw new Error(`${fileURLToPath(script)} exited with ${signal ?? `code ${code}`}.`);
    });
    // Reported by `next()` or `done()`; this keeps an early exit from being an unhandled rejection.
    this.exited.catch(() => {});
  }

  /** The next message from the child; rejects if the child exits first. */
  next(): Promise<Message> {
    const queued = this.inbox.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return Promise.race([
      new Promise<Message>((resolve) => this.waiting.push(resolve)),
      this.exited.then(() => {
        throw new Error('The worker exited without sending the expected message.');
      }),
    ]);
  }

  /** Dropped when the child has gone (`next()` and `done()` report why). */
  send(message: unknown): void {
    if (this.child.connected) this.child.send(message as never);
  }

  /** Resolves once the child exited cleanly. */
  done(): Promise<void> {
    return this.exited;
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
  }
}

/** Runs a child to its end and returns the one message it sends. */
export async function runWorker<Result>(script: URL, input: unknown, options: WorkerOptions = {}): Promise<Result> {
  const worker = new Worker<Result>(script, input, options);
  const result = await worker.next();
  await worker.done();
  return result;
}
