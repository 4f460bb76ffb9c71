import type { FunctionRegistration } from '../functionsCore.js';
import { runFunction } from '../invocation.js';
import type { ActivityWorkItem } from './episode.js';
import { DurablePayloadTooLargeError } from './errors.js';
import { EventType, historyEvent, type TaskCompletedEvent, type TaskFailedEvent } from './historyEvents.js';
import { newInvocationContext, toActivityTriggerValue, type InvocationEnvironment } from './invocation.js';
import { taskResultMessageKey, type DurableStore } from './store.js';

/**
 * Runs scheduled activities a few at a time and posts each result to its instance's inbox, as
 * DurableTask.Core's activity dispatcher does. At-least-once: an activity interrupted by a crash
 * is run again after restart; one whose result reached the inbox is not.
 */

export interface ActivityRunnerEnvironment {
  store: DurableStore;
  /** By lower-case name: function names are case-insensitive. */
  activities: ReadonlyMap<string, FunctionRegistration>;
  invocation: InvocationEnvironment;
  log: (line: string) => void;
  /** The result is in the inbox: run the instance's next episode. */
  onResult: (instanceId: string) => void;
  /** host.json `durableTask.maxConcurrentActivityFunctions`. */
  maxConcurrent: number;
}

const RESULT_WRITE_ATTEMPTS = 3;

function workKey(item: ActivityWorkItem): string {
  return `${item.instanceId}\u0000${item.executionId}\u0000${item.taskId}`;
}

export class ActivityRunner {
  readonly #queue: ActivityWorkItem[] = [];
  /** Queued or running, so a restart scan and an episode never start the same task twice. */
  readonly #known = new Set<string>();
  #running = 0;
  #stopped = false;

  constructor(private readonly environment: ActivityRunnerEnvironment) {}

  enqueue(item: ActivityWorkItem): void {
    const key = workKey(item);
    if (this.#stopped || this.#known.has(key)) return;
    this.#known.add(key);
    this.#queue.push(item);
    this.#pump();
  }

  /** Queued work is dropped; running activities finish but their results are no longer written. */
  stop(): void {
    this.#stopped = true;
    this.#queue.length = 0;
  }

  #pump(): void {
    while (!this.#stopped && this.#running < this.environment.maxConcurrent && this.#queue.length > 0) {
      const item = this.#queue.shift()!;
      this.#running++;
      void this.#run(item).finally(() => {
        this.#running--;
        this.#pump();
      });
    }
  }

  async #run(item: ActivityWorkItem): Promise<void> {
    let result = await this.#execute(item);
    for (let attempt = 1; !this.#stopped; attempt++) {
      try {
        await this.environment.store.enqueueMessage(item.instanceId, {
          rowKey: taskResultMessageKey(item.executionId, item.taskId),
          executionId: item.executionId,
          enqueuedAt: Date.now(),
          visibleAt: 0,
          event: result,
        });
        this.environment.onResult(item.instanceId);
        return;
      } catch (error) {
        if (error instanceof DurablePayloadTooLargeError && result.EventType === EventType.TaskCompleted) {
          // Too big to store: the orchestrator sees a failed activity instead of waiting forever.
          result = historyEvent.taskFailed(new Date(), item.taskId, `Activity function '${item.name}' failed: ${error.message}`, '');
          continue;
        }
        if (attempt === RESULT_WRITE_ATTEMPTS) {
          this.environment.log(
            `durable: could not record the result of ${item.name} #${item.taskId} for '${item.instanceId}': ${String(error)}`,
          );
          this.#known.delete(workKey(item));
          return;
        }
      }
    }
  }

  async #execute(item: ActivityWorkItem): Promise<TaskCompletedEvent | TaskFailedEvent> {
    const registration = this.environment.activities.get(item.name.toLowerCase());
    if (!registration) {
      // Scheduled before a restart with an app that no longer has it: the extension's TaskNonexistentActivityShim.
      const message = `Activity function '${item.name}' does not exist.`;
      return historyEvent.taskFailed(new Date(), item.taskId, `Activity function '${item.name}' failed: ${message}`, message);
    }
    try {
      const context = newInvocationContext(registration, this.environment.invocation, { instanceId: item.instanceId });
      const output = await runFunction(
        registration,
        context,
        toActivityTriggerValue(item.input),
        this.environment.invocation.functionTimeoutMs,
      );
      return historyEvent.taskCompleted(new Date(), item.taskId, JSON.stringify(output ?? null));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const details = error instanceof Error ? (error.stack ?? message) : message;
      this.environment.log(`durable: activity ${item.name} #${item.taskId} for '${item.instanceId}' failed: ${message}`);
      // The extension's TaskActivityShim: the orchestrator sees `${Reason} \n ${Details}`.
      return historyEvent.taskFailed(new Date(), item.taskId, `Activity function '${item.name}' failed: ${message}`, details);
    }
  }
}
