import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Runs `tick` until stopped: at once again when it reports more work, after `intervalMs` otherwise.
 * `stop()` interrupts the wait and resolves once the current tick has finished. A tick handles its
 * own errors: a poll that fails is retried on the next one.
 */
export class PollingLoop {
  readonly #abort = new AbortController();
  #finished: Promise<void> = Promise.resolve();

  constructor(
    private readonly intervalMs: number,
    private readonly tick: () => Promise<boolean | void>,
  ) {}

  get stopped(): boolean {
    return this.#abort.signal.aborted;
  }

  start(): void {
    this.#finished = this.run();
  }

  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#finished;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const moreWork = await this.tick();
      if (moreWork === true || this.stopped) continue;
      await sleep(this.intervalMs, undefined, { signal: this.#abort.signal }).catch(() => undefined);
    }
  }
}
