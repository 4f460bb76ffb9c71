import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Runs `tick` until stopped: at once again when it reports more work or was woken, after `interval()`
 * otherwise.
 * `stop()` aborts the signal the tick got (so a poll against a storage that has gone away does not
 * hold the shutdown) and resolves once the tick has returned. A tick handles its own errors: a poll
 * that fails is retried on the next one.
 */
export class PollingLoop {
  readonly #abort = new AbortController();
  #finished: Promise<void> = Promise.resolve();
  #wake: () => void = () => undefined;
  #woken = false;

  constructor(
    private readonly interval: () => number,
    private readonly tick: (signal: AbortSignal) => Promise<boolean | void>,
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

  /** Ticks again at once: now if the loop is waiting, else as soon as the running tick returns. */
  wake(): void {
    this.#woken = true;
    this.#wake();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      this.#woken = false;
      const moreWork = await this.tick(this.#abort.signal);
      if (moreWork === true || this.#woken || this.stopped) continue;
      const waited = new AbortController();
      this.#wake = () => waited.abort();
      await sleep(this.interval(), undefined, { signal: AbortSignal.any([this.#abort.signal, waited.signal]) }).catch(() => undefined);
      this.#wake = () => undefined;
    }
  }
}
