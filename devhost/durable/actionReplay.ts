import {
  NonDeterministicOrchestrationError,
  OrchestratorProtocolError,
  UnknownActivityError,
  UnsupportedDurableActionError,
} from './errors.js';
import { EventType, type HistoryEvent, type TaskScheduledEvent, type TimerCreatedEvent } from './historyEvents.js';
import { ActionType, ReplaySchema, actionTypeName, type OrchestratorAction } from './orchestratorState.js';
import { nextRetryDelayMs, toRetryPolicy, type RetryPolicy } from './retryPolicy.js';

/**
 * The extension's half of an episode. The Durable extension does not trust the actions an
 * out-of-proc orchestrator returns: its OutOfProcOrchestrationShim re-issues every action, in order,
 * against DurableTask.Core's orchestration context while that context replays the history. The
 * context hands out sequence numbers, matches each recorded TaskScheduled/TimerCreated against the
 * action with the same number (a mismatch is a NonDeterministicOrchestrationException), runs
 * retries through RetryInterceptor (timers in history) and splits long timers. Whatever is left
 * unmatched at the end is what this episode newly schedules. This module replays the same rules.
 */

export type PlannedAction = { kind: 'activity'; id: number; name: string; input: string } | { kind: 'timer'; id: number; fireAt: Date };

export interface ActionReplayResult {
  /** Scheduled by this replay but not yet in history, by sequence number. */
  newActions: PlannedAction[];
  /** The extension awaited every action the orchestrator returned (only then does it honour isDone/error). */
  finished: boolean;
  /** Things the extension does silently that a developer should hear about (new events only). */
  notices: string[];
}

export interface ActionReplayOptions {
  schemaVersion: number;
  /** Index in `history` of this episode's OrchestratorStarted: notices are only raised from there on. */
  firstNewEventIndex: number;
  /** Azure Storage's limits: timers longer than the first are split into the second. */
  maximumShortTimerMs: number;
  longRunningTimerIntervalMs: number;
  /** The registered activity functions; a call to any other fails the orchestration, as the extension does. */
  activityNames?: readonly string[];
}

type Settlement = 'succeeded' | 'failed';

/** A task whose continuations run inline, like DurableTask.Core's single-threaded orchestration scheduler. */
class ReplayTask {
  #settlement: Settlement | undefined;
  #continuations: ((settlement: Settlement) => void)[] = [];

  static settled(settlement: Settlement): ReplayTask {
    const task = new ReplayTask();
    task.settle(settlement);
    return task;
  }

  settle(settlement: Settlement): void {
    if (this.#settlement) return;
    this.#settlement = settlement;
    for (const continuation of this.#continuations.splice(0)) continuation(settlement);
  }

  then(continuation: (settlement: Settlement) => void): void {
    if (this.#settlement) continuation(this.#settlement);
    else this.#continuations.push(continuation);
  }
}

/** Task.WhenAll: settles when every child has, failed if any failed. */
function whenAll(tasks: ReplayTask[]): ReplayTask {
  const all = new ReplayTask();
  let pending = tasks.length;
  let failed = false;
  if (pending === 0) all.settle('succeeded');
  for (const task of tasks) {
    task.then((settlement) => {
      failed ||= settlement === 'failed';
      if (--pending === 0) all.settle(failed ? 'failed' : 'succeeded');
    });
  }
  return all;
}

/** Task.WhenAny: settles successfully with the first child to settle, whichever way it did. */
function whenAny(tasks: ReplayTask[]): ReplayTask {
  const any = new ReplayTask();
  for (const task of tasks) task.then(() => any.settle('succeeded'));
  return any;
}

/** DurableTask.Core's TaskOrchestrationContext, reduced to what out-of-proc actions need. */
class OrchestrationContextReplay {
  now = new Date(0);
  processingNewEvents = false;
  readonly notices: string[] = [];
  #nextId = 0;
  readonly #unmatched = new Map<number, PlannedAction>();
  readonly #openTasks = new Map<number, ReplayTask>();
  readonly #eventWaiters = new Map<string, ReplayTask[]>();
  readonly #bufferedEvents = new Map<string, number>();

  scheduleActivity(name: string, input: unknown): ReplayTask {
    const id = this.#nextId++;
    // DurableTask.Core serialises the parameters array: one element, the action's input as given.
    this.#unmatched.set(id, { kind: 'activity', id, name, input: JSON.stringify([input ?? null]) });
    return this.#open(id);
  }

  createTimer(fireAt: Date): { id: number; task: ReplayTask } {
    const id = this.#nextId++;
    this.#unmatched.set(id, { kind: 'timer', id, fireAt });
    return { id, task: this.#open(id) };
  }

  cancelTimer(id: number): void {
    this.#openTasks.get(id)?.settle('failed');
    this.#openTasks.delete(id);
  }

  waitForExternalEvent(name: string): ReplayTask {
    const task = new ReplayTask();
    const buffered = this.#bufferedEvents.get(name) ?? 0;
    if (buffered > 0) {
      if (buffered === 1) this.#bufferedEvents.delete(name);
      else this.#bufferedEvents.set(name, buffered - 1);
      task.settle('succeeded');
      return task;
    }
    // The newest waiter gets the next event (the extension chains waiters that way; durable-functions pops).
    const waiters = this.#eventWaiters.get(name) ?? [];
    waiters.push(task);
    this.#eventWaiters.set(name, waiters);
    return task;
  }

  onTaskScheduled(event: TaskScheduledEvent): void {
    const id = event.EventId;
    const planned = this.#unmatched.get(id);
    if (!planned) {
      throw new NonDeterministicOrchestrationError(
        `A previous execution of this orchestration scheduled an activity task with sequence ID ${id} and name '${event.Name}' ` +
          `(version '${event.Version}'), but the current replay execution hasn't (yet?) scheduled this task. ` +
          'Was a change made to the orchestrator code after this instance had already started running?',
      );
    }
    if (planned.kind !== 'activity') {
      throw new NonDeterministicOrchestrationError(
        `A previous execution of this orchestration scheduled an activity task with sequence number ${id} named '${event.Name}', ` +
          'but the current orchestration replay instead produced a CreateTimerOrchestratorAction action with this sequence number. ' +
          'Was a change made to the orchestrator code after this instance had already started running?',
      );
    }
    if (planned.name.toLowerCase() !== event.Name.toLowerCase()) {
      throw new NonDeterministicOrchestrationError(
        `A previous execution of this orchestration scheduled an activity task with sequence number ${id} named '${event.Name}', ` +
          `but the current orchestration replay instead scheduled an activity task named '${planned.name}' with this sequence number.  ` +
          'Was a change made to the orchestrator code after this instance had already started running?',
      );
    }
    this.#unmatched.delete(id);
  }

  onTimerCreated(event: TimerCreatedEvent): void {
    const id = event.EventId;
    const planned = this.#unmatched.get(id);
    if (!planned) {
      throw new NonDeterministicOrchestrationError(
        `A previous execution of this orchestration scheduled a timer task with sequence number ${id} but the current replay ` +
          "execution hasn't (yet?) scheduled this task. Was a change made to the orchestrator code after this instance had already started running?",
      );
    }
    if (planned.kind !== 'timer') {
      throw new NonDeterministicOrchestrationError(
        `A previous execution of this orchestration scheduled a timer task with sequence number ${id} named but the current ` +
          'orchestration replay instead produced a ScheduleTaskOrchestratorAction action with this sequence number. ' +
          'Was a change made to the orchestrator code after this instance had already started running?',
      );
    }
    this.#unmatched.delete(id);
  }

  onTaskEnded(id: number, settlement: Settlement): void {
    const task = this.#openTasks.get(id);
    if (!task) return;
    this.#openTasks.delete(id);
    task.settle(settlement);
  }

  onEventRaised(name: string): void {
    const waiters = this.#eventWaiters.get(name);
    const waiter = waiters?.pop();
    if (waiters && waiters.length === 0) this.#eventWaiters.delete(name);
    if (waiter) waiter.settle('succeeded');
    else this.#bufferedEvents.set(name, (this.#bufferedEvents.get(name) ?? 0) + 1);
  }

  notice(message: string): void {
    if (this.processingNewEvents) this.notices.push(message);
  }

  unmatchedActions(): PlannedAction[] {
    return [...this.#unmatched.values()].sort((a, b) => a.id - b.id);
  }

  #open(id: number): ReplayTask {
    const task = new ReplayTask();
    this.#openTasks.set(id, task);
    return task;
  }
}

/** OutOfProcOrchestrationShim.InvokeAPIFromAction plus the extension context calls behind it. */
class ActionInvoker {
  constructor(
    private readonly context: OrchestrationContextReplay,
    private readonly options: ActionReplayOptions,
  ) {}

  invoke(action: OrchestratorAction): ReplayTask {
    switch (action.actionType) {
      case ActionType.CallActivity:
        return this.context.scheduleActivity(this.#knownActivity(requiredName(action)), action.input);
      case ActionType.CallActivityWithRetry:
        return this.#callActivityWithRetry(this.#knownActivity(requiredName(action)), toRetryPolicy(action.retryOptions), action.input);
      case ActionType.CreateTimer:
        return this.#createTimer(toDate(action.fireAt), action.isCanceled === true);
      case ActionType.WaitForExternalEvent:
        if (!action.externalEventName) throw new OrchestratorProtocolError('WaitForExternalEvent action without externalEventName.');
        return this.context.waitForExternalEvent(action.externalEventName);
      case ActionType.WhenAll:
        return whenAll((action.compoundActions ?? []).map((child) => this.invoke(child)));
      case ActionType.WhenAny:
        return whenAny((action.compoundActions ?? []).map((child) => this.invoke(child)));
      default:
        throw new UnsupportedDurableActionError(actionTypeName(action.actionType));
    }
  }

  /** DurableOrchestrationContext.CallDurableTaskFunctionAsync checks the name before it schedules anything. */
  #knownActivity(name: string): string {
    const known = this.options.activityNames;
    if (known && !known.some((candidate) => candidate.toLowerCase() === name.toLowerCase())) throw new UnknownActivityError(name, known);
    return name;
  }

  /** DurableTask.Core's RetryInterceptor.Invoke, one continuation per await. */
  #callActivityWithRetry(name: string, policy: RetryPolicy, input: unknown): ReplayTask {
    // RetryInterceptor's loop never runs without attempts: the call "succeeds" with a default value.
    if (policy.maxNumberOfAttempts <= 0) return ReplayTask.settled('succeeded');
    const result = new ReplayTask();
    const firstAttempt = this.context.now.getTime();

    const attempt = (retryCount: number): void => {
      this.context.scheduleActivity(name, input).then((settlement) => {
        if (settlement === 'succeeded') return result.settle('succeeded');
        if (retryCount + 1 === policy.maxNumberOfAttempts) {
          // RetryInterceptor keeps an immediate "dummy" timer after the last attempt for replay compatibility.
          this.context.createTimer(this.context.now).task.then(() => result.settle('failed'));
          return;
        }
        const delayMs = nextRetryDelayMs(policy, retryCount, firstAttempt, this.context.now.getTime());
        if (delayMs === 0) {
          this.context.notice(
            `retry timeout of ${policy.retryTimeoutMs} ms for activity '${name}' expired after attempt ${retryCount + 1}: ` +
              'the Durable extension stops retrying without a timer, and durable-functions 3.x then waits forever ' +
              '(azure-functions-durable-js#629); the instance stays Running',
          );
          result.settle('failed');
          return;
        }
        this.context.createTimer(new Date(this.context.now.getTime() + delayMs)).task.then(() => attempt(retryCount + 1));
      });
    };
    attempt(0);
    return result;
  }

  /** DurableOrchestrationContext.CreateTimer: timers beyond the provider's maximum become a chain of shorter ones. */
  #createTimer(fireAt: Date, isCanceled: boolean): ReplayTask {
    const { maximumShortTimerMs, longRunningTimerIntervalMs, schemaVersion } = this.options;
    const isLong = schemaVersion >= ReplaySchema.V3 && fireAt.getTime() - this.context.now.getTime() > maximumShortTimerMs;
    if (!isLong) return this.#timer(fireAt, isCanceled);

    const result = new ReplayTask();
    const wait = (intervalFireAt: Date, cancel: boolean): void => {
      this.#timer(intervalFireAt, cancel).then((settlement) => {
        if (settlement === 'failed') return result.settle('failed');
        const remainingMs = fireAt.getTime() - this.context.now.getTime();
        if (remainingMs <= 0) return result.settle('succeeded');
        const stepMs = remainingMs < longRunningTimerIntervalMs ? remainingMs : longRunningTimerIntervalMs;
        wait(new Date(this.context.now.getTime() + stepMs), false);
      });
    };
    wait(new Date(this.context.now.getTime() + longRunningTimerIntervalMs), isCanceled);
    return result;
  }

  /** A cancelled timer is still created (its id is spent), then its task is cancelled, as a cancelled token does. */
  #timer(fireAt: Date, isCanceled: boolean): ReplayTask {
    const { id, task } = this.context.createTimer(fireAt);
    if (isCanceled) this.context.cancelTimer(id);
    return task;
  }
}

function requiredName(action: OrchestratorAction): string {
  if (!action.functionName) throw new OrchestratorProtocolError(`${actionTypeName(action.actionType)} action without functionName.`);
  return action.functionName;
}

function toDate(value: string | undefined): Date {
  const date = new Date(value ?? Number.NaN);
  if (Number.isNaN(date.getTime())) throw new OrchestratorProtocolError(`Timer action with an invalid fireAt: ${value}`);
  return date;
}

/** Runs the returned actions the way the shim does for the action schema the orchestrator reported. */
function driveActions(invoker: ActionInvoker, actions: OrchestratorAction[][], schemaVersion: number, onFinished: () => void): void {
  if (schemaVersion >= ReplaySchema.V2) {
    // One flat list, one action per yield: await each in turn, ignoring failures (the SDK handles them).
    if (actions.length !== 1) {
      throw new OrchestratorProtocolError(
        `With OOProc schema ${schemaVersion}, expected actions array to be of length 1 in outer layer but got size: ${actions.length}`,
      );
    }
    const flat = actions[0] ?? [];
    const next = (index: number): void => {
      if (index === flat.length) return onFinished();
      invoker.invoke(flat[index]!).then(() => next(index + 1));
    };
    next(0);
    return;
  }
  // V1: one array per episode; the shim awaits any of each array's tasks before the next array.
  const nextSet = (index: number): void => {
    if (index === actions.length) return onFinished();
    const tasks = (actions[index] ?? []).map((action) => invoker.invoke(action));
    if (tasks.length === 0) return nextSet(index + 1);
    whenAny(tasks).then(() => nextSet(index + 1));
  };
  nextSet(0);
}

export function replayActions(
  history: readonly HistoryEvent[],
  actions: OrchestratorAction[][],
  options: ActionReplayOptions,
): ActionReplayResult {
  const context = new OrchestrationContextReplay();
  const invoker = new ActionInvoker(context, options);
  let finished = false;

  history.forEach((event, index) => {
    context.processingNewEvents = index >= options.firstNewEventIndex;
    switch (event.EventType) {
      case EventType.OrchestratorStarted:
        context.now = new Date(event.Timestamp);
        break;
      case EventType.ExecutionStarted:
        driveActions(invoker, actions, options.schemaVersion, () => (finished = true));
        break;
      case EventType.TaskScheduled:
        context.onTaskScheduled(event);
        break;
      case EventType.TimerCreated:
        context.onTimerCreated(event);
        break;
      case EventType.TaskCompleted:
        context.onTaskEnded(event.TaskScheduledId, 'succeeded');
        break;
      case EventType.TaskFailed:
        context.onTaskEnded(event.TaskScheduledId, 'failed');
        break;
      case EventType.TimerFired:
        context.onTaskEnded(event.TimerId, 'succeeded');
        break;
      case EventType.EventRaised:
        context.onEventRaised(event.Name);
        break;
      default:
        break;
    }
  });

  return { newActions: context.unmatchedActions(), finished, notices: context.notices };
}
