import type { BlockBlobClient } from '@azure/storage-blob';
import { DevhostError } from '../errors.js';
import type { FunctionRegistration } from '../functionsCore.js';
import type { Invoker } from '../invocation.js';
import { describeError, timestamped, type LogSink } from '../log.js';
import { parseNcrontab, type NcrontabSchedule } from './ncrontab.js';

/**
 * The timer trigger: NCRONTAB schedules (./ncrontab.ts), `runOnStartup`, one run at a time.
 * With the schedule monitor (`useMonitor`, on by default for schedules of a minute or more) the last
 * and next occurrences are kept in the host storage, as the host does, so an occurrence missed while
 * the host was down runs at start-up with `isPastDue: true`.
 */

export interface TimerTriggerOptions {
  registration: FunctionRegistration;
  schedule: string;
  runOnStartup: boolean;
  useMonitor: boolean | undefined;
  /** `timers/<hostId>/Host.Functions.<name>/status` in `azure-webjobs-hosts`. */
  statusBlob: BlockBlobClient;
  /** IANA name from WEBSITE_TIME_ZONE; UTC otherwise. */
  timeZone: string;
  invoker: Invoker;
  log: LogSink;
}

interface ScheduleStatus {
  Last: string;
  Next: string;
  LastUpdated: string;
}

// setTimeout takes at most a signed 32-bit delay; longer waits are made of several.
const LONGEST_TIMEOUT_MS = 2 ** 31 - 1;

export class TimerTriggerListener {
  readonly #options: TimerTriggerOptions;
  readonly #schedule: NcrontabSchedule;
  readonly #monitored: boolean;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> = Promise.resolve();
  #stopped = false;

  constructor(options: TimerTriggerOptions) {
    this.#options = options;
    try {
      this.#schedule = parseNcrontab(options.schedule, options.timeZone);
    } catch (error) {
      throw new DevhostError(
        `Timer ${options.registration.name}: "${options.schedule}" is not an NCRONTAB schedule: ${(error as Error).message}`,
      );
    }
    const [first, second] = [this.nextOccurrence(new Date()), this.nextOccurrence(this.nextOccurrence(new Date()))];
    this.#monitored = options.useMonitor ?? second.getTime() - first.getTime() >= 60_000;
  }

  private nextOccurrence(after: Date): Date {
    return this.#schedule.next(after);
  }

  async start(): Promise<void> {
    const status = this.#monitored ? await this.readStatus() : undefined;
    if (this.#options.runOnStartup) {
      this.fire('Timer fired at start-up (runOnStartup)', false, status, new Date());
    } else if (status && new Date(status.Next) < new Date()) {
      this.fire(`Timer is past due; its occurrence at ${status.Next} was missed`, true, status, new Date(status.Next));
    } else {
      this.scheduleNext(status);
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  private scheduleNext(status: ScheduleStatus | undefined): void {
    if (this.#stopped) return;
    const next = this.nextOccurrence(new Date());
    const wait = () => {
      const remaining = next.getTime() - Date.now();
      if (remaining > 0) {
        this.#timer = setTimeout(wait, Math.min(remaining, LONGEST_TIMEOUT_MS));
        return;
      }
      this.fire('Timer fired', false, status, next);
    };
    wait();
  }

  private fire(reason: string, isPastDue: boolean, status: ScheduleStatus | undefined, occurrence: Date): void {
    const { registration, invoker, log } = this.#options;
    this.#running = (async () => {
      const next = this.nextOccurrence(new Date());
      const timer = {
        schedule: { adjustForDST: true },
        scheduleStatus: status ? { last: status.Last, next: status.Next, lastUpdated: status.LastUpdated } : undefined,
        isPastDue,
      };
      await invoker
        .invoke(registration, { triggerValue: timer, reason: `${reason} at ${occurrence.toISOString()}` })
        .catch(() => undefined);
      const updated = { Last: occurrence.toISOString(), Next: next.toISOString(), LastUpdated: new Date().toISOString() };
      if (this.#monitored) await this.writeStatus(updated);
      this.scheduleNext(this.#monitored ? updated : undefined);
    })().catch((error: unknown) => log(timestamped(`Timer ${registration.name}: ${describeError(error)}`)));
  }

  private async readStatus(): Promise<ScheduleStatus | undefined> {
    try {
      return JSON.parse((await this.#options.statusBlob.downloadToBuffer()).toString('utf8')) as ScheduleStatus;
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return undefined;
      throw error;
    }
  }

  private async writeStatus(status: ScheduleStatus): Promise<void> {
    const body = JSON.stringify(status);
    await this.#options.statusBlob.upload(body, Buffer.byteLength(body), { blobHTTPHeaders: { blobContentType: 'application/json' } });
  }
}
