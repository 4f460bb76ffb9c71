import type { FunctionRegistration } from '../functionsCore.js';
import { runFunction } from '../invocation.js';
import { replayActions, type PlannedAction } from './actionReplay.js';
import { DurableEngineError, NonDeterministicOrchestrationError } from './errors.js';
import { EventType, OrchestrationStatusCode, historyEvent, type HistoryEvent } from './historyEvents.js';
import { TIMER_LIMITS, newInvocationContext, toOrchestrationTriggerValue, type InvocationEnvironment } from './invocation.js';
import { fromOrchestratorError, fromOrchestratorResult, type OrchestratorOutcome } from './orchestratorState.js';
import {
  TERMINAL_STATUSES,
  timerMessageKey,
  type DurableStore,
  type InstanceRecord,
  type InstanceSnapshot,
  type RuntimeStatus,
  type StoredMessage,
} from './store.js';

/**
 * One orchestration episode, as DurableTask.Core's dispatcher runs it: take the instance's visible
 * inbox messages, append them to the history after an OrchestratorStarted, replay the real
 * orchestrator code over the whole history, check its actions against the history, record what it
 * newly scheduled (or how it ended) and commit all of it at once.
 */

export interface ActivityWorkItem {
  instanceId: string;
  executionId: string;
  taskId: number;
  name: string;
  /** TaskScheduled.Input: the DurableTask.Core parameters array. */
  input: string;
}

export interface EpisodeEnvironment {
  store: DurableStore;
  /** By lower-case name: function names are case-insensitive. */
  orchestrators: ReadonlyMap<string, FunctionRegistration>;
  /** The registered activities' names: calling any other fails the orchestration. */
  activityNames: readonly string[];
  invocation: InvocationEnvironment;
  log: (line: string) => void;
}

export interface EpisodeResult {
  activities: ActivityWorkItem[];
  /** When the earliest message not yet visible (a timer) becomes visible. */
  nextWakeAt: number | undefined;
  /** More visible messages wait than one episode takes. */
  moreVisible: boolean;
}

/** Keeps one commit (instance row, deliveries, drops, new timers) inside one 100-operation transaction. */
const MAX_MESSAGES_PER_EPISODE = 40;
const MAX_DROPS_PER_EPISODE = 20;

interface Ending {
  status: Extract<RuntimeStatus, 'Completed' | 'Failed' | 'Terminated'>;
  output: string;
}

function completionIds(history: readonly HistoryEvent[]): {
  scheduled: Set<number>;
  ended: Set<number>;
  timers: Set<number>;
  fired: Set<number>;
} {
  const ids = { scheduled: new Set<number>(), ended: new Set<number>(), timers: new Set<number>(), fired: new Set<number>() };
  for (const event of history) {
    if (event.EventType === EventType.TaskScheduled) ids.scheduled.add(event.EventId);
    else if (event.EventType === EventType.TaskCompleted || event.EventType === EventType.TaskFailed) ids.ended.add(event.TaskScheduledId);
    else if (event.EventType === EventType.TimerCreated) ids.timers.add(event.EventId);
    else if (event.EventType === EventType.TimerFired) ids.fired.add(event.TimerId);
  }
  return ids;
}

/** Messages an episode must drop: for another execution, or already reflected in the history (a redelivery). */
function isObsolete(
  message: StoredMessage,
  instance: InstanceRecord,
  history: readonly HistoryEvent[],
  ids: ReturnType<typeof completionIds>,
): boolean {
  if (message.executionId !== '' && message.executionId !== instance.executionId) return true;
  const event = message.event;
  switch (event.EventType) {
    case EventType.ExecutionStarted:
      return history.some((past) => past.EventType === EventType.ExecutionStarted);
    case EventType.TaskCompleted:
    case EventType.TaskFailed:
      return !ids.scheduled.has(event.TaskScheduledId) || ids.ended.has(event.TaskScheduledId);
    case EventType.TimerFired:
      return !ids.timers.has(event.TimerId) || ids.fired.has(event.TimerId);
    default:
      return false;
  }
}

/** Activities scheduled in history whose result is neither in history nor in the inbox: to (re-)run after a restart. */
export function outstandingActivities(snapshot: InstanceSnapshot): ActivityWorkItem[] {
  const { instance, history, messages } = snapshot;
  if (!instance || TERMINAL_STATUSES.has(instance.runtimeStatus)) return [];
  const ended = completionIds(history).ended;
  for (const message of messages) {
    const event = message.event;
    if (
      (event.EventType === EventType.TaskCompleted || event.EventType === EventType.TaskFailed) &&
      message.executionId === instance.executionId
    ) {
      ended.add(event.TaskScheduledId);
    }
  }
  return history.flatMap((event) =>
    event.EventType === EventType.TaskScheduled && !ended.has(event.EventId)
      ? [
          {
            instanceId: instance.instanceId,
            executionId: instance.executionId,
            taskId: event.EventId,
            name: event.Name,
            input: event.Input,
          },
        ]
      : [],
  );
}

function earliestFutureVisibility(messages: readonly StoredMessage[], nowMs: number): number | undefined {
  const future = messages.filter((message) => message.visibleAt > nowMs).map((message) => message.visibleAt);
  return future.length > 0 ? Math.min(...future) : undefined;
}

async function invokeOrchestrator(
  environment: EpisodeEnvironment,
  registration: FunctionRegistration,
  instance: InstanceRecord,
  pastEvents: readonly HistoryEvent[],
  newEvents: readonly HistoryEvent[],
): Promise<OrchestratorOutcome> {
  const started = [...pastEvents, ...newEvents].find((event) => event.EventType === EventType.ExecutionStarted);
  const input = started?.EventType === EventType.ExecutionStarted ? started.Input : null;
  try {
    const context = newInvocationContext(registration, environment.invocation, {});
    const trigger = toOrchestrationTriggerValue(instance.instanceId, pastEvents, newEvents, input);
    return fromOrchestratorResult(await runFunction(registration, context, trigger, environment.invocation.functionTimeoutMs));
  } catch (error) {
    return fromOrchestratorError(error);
  }
}

function toScheduledEvents(actions: readonly PlannedAction[], at: Date): HistoryEvent[] {
  return actions.map((action) =>
    action.kind === 'activity'
      ? historyEvent.taskScheduled(at, action.id, action.name, action.input)
      : historyEvent.timerCreated(at, action.id, action.fireAt),
  );
}

function toTimerMessages(actions: readonly PlannedAction[], executionId: string, at: Date): StoredMessage[] {
  return actions.flatMap((action) =>
    action.kind === 'timer'
      ? [
          {
            rowKey: timerMessageKey(executionId, action.id),
            executionId,
            enqueuedAt: at.getTime(),
            visibleAt: action.fireAt.getTime(),
            event: historyEvent.timerFired(action.fireAt, action.id, action.fireAt.toISOString()),
          },
        ]
      : [],
  );
}

interface Decision {
  ending?: Ending;
  scheduled: PlannedAction[];
  customStatus: string | null;
}

/** Terminate, or run the orchestrator and let the extension's rules judge its actions. */
async function decide(
  environment: EpisodeEnvironment,
  instance: InstanceRecord,
  history: readonly HistoryEvent[],
  newEvents: readonly HistoryEvent[],
  consumed: readonly StoredMessage[],
): Promise<Decision> {
  const unchanged = { scheduled: [], customStatus: instance.customStatus };
  const terminated = consumed.find((message) => message.event.EventType === EventType.ExecutionTerminated)?.event;
  if (terminated?.EventType === EventType.ExecutionTerminated)
    return { ...unchanged, ending: { status: 'Terminated', output: terminated.Input ?? '' } };
  if (![...history, ...newEvents].some((event) => event.EventType === EventType.ExecutionStarted)) {
    throw new DurableEngineError(`Instance '${instance.instanceId}' has messages but no ExecutionStarted event.`);
  }
  const registration = environment.orchestrators.get(instance.name.toLowerCase());
  if (!registration) {
    return {
      ...unchanged,
      ending: {
        status: 'Failed',
        output: `The function '${instance.name}' doesn't exist, is disabled, or is not an orchestrator function.`,
      },
    };
  }
  const failed = (message: string): Ending => ({ status: 'Failed', output: `Orchestrator function '${instance.name}' failed: ${message}` });

  const outcome = await invokeOrchestrator(environment, registration, instance, history, newEvents);
  if (outcome.kind === 'crash') return { ...unchanged, ending: failed(outcome.message) };
  const { state } = outcome;
  // The extension keeps the last custom status the orchestrator set.
  const customStatus =
    state.customStatus !== undefined && state.customStatus !== null ? JSON.stringify(state.customStatus) : instance.customStatus;
  try {
    const replay = replayActions([...history, ...newEvents], state.actions, {
      schemaVersion: state.schemaVersion,
      firstNewEventIndex: history.length,
      maximumShortTimerMs: TIMER_LIMITS.maximumShortTimerMs,
      longRunningTimerIntervalMs: TIMER_LIMITS.longRunningTimerIntervalMs,
      activityNames: environment.activityNames,
    });
    for (const notice of replay.notices) environment.log(`durable: WARNING ${instance.name} (${instance.instanceId}): ${notice}`);
    // Only once the extension has awaited every action does it look at isDone / error.
    if (replay.finished && state.error !== undefined) return { scheduled: [], customStatus, ending: failed(state.error) };
    if (replay.finished && state.isDone)
      return { scheduled: [], customStatus, ending: { status: 'Completed', output: JSON.stringify(state.output ?? null) } };
    return { scheduled: replay.newActions, customStatus };
  } catch (error) {
    if (!(error instanceof DurableEngineError)) throw error;
    // DurableTask.Core fails the instance with the non-determinism message itself; other faults read as orchestrator failures.
    return {
      scheduled: [],
      customStatus,
      ending: error instanceof NonDeterministicOrchestrationError ? { status: 'Failed', output: error.message } : failed(error.message),
    };
  }
}

export async function runEpisode(environment: EpisodeEnvironment, instanceId: string): Promise<EpisodeResult> {
  const { store, log } = environment;
  const snapshot = await store.readSnapshot(instanceId);
  const { instance, history, messages } = snapshot;
  const now = new Date();
  const idle: EpisodeResult = { activities: [], nextWakeAt: undefined, moreVisible: false };

  if (!instance || TERMINAL_STATUSES.has(instance.runtimeStatus)) {
    // Results of activities that outlived their instance, events for a purged one: DurableTask.Core drops them too.
    if (messages.length > 0) {
      log(
        `durable: dropping ${messages.length} message(s) for ${instance ? instance.runtimeStatus.toLowerCase() : 'unknown'} instance '${instanceId}'`,
      );
      await store.deleteRows(
        instanceId,
        messages.map((message) => message.rowKey),
      );
    }
    return idle;
  }

  const ids = completionIds(history);
  const visible = messages.filter((message) => message.visibleAt <= now.getTime());
  const allObsolete = visible.filter((message) => isObsolete(message, instance, history, ids));
  const obsolete = allObsolete.slice(0, MAX_DROPS_PER_EPISODE);
  const deliverable = visible.filter((message) => !allObsolete.includes(message));
  const consumed = deliverable.slice(0, MAX_MESSAGES_PER_EPISODE);
  const futureWake = earliestFutureVisibility(messages, now.getTime());
  if (consumed.length === 0) {
    if (allObsolete.length > 0)
      await store.deleteRows(
        instanceId,
        allObsolete.map((message) => message.rowKey),
      );
    return { ...idle, nextWakeAt: futureWake };
  }

  const newEvents: HistoryEvent[] = [historyEvent.orchestratorStarted(now), ...consumed.map((message) => message.event)];
  const decision = await decide(environment, instance, history, newEvents, consumed);
  const { ending, scheduled } = decision;

  const appended = [...newEvents, ...toScheduledEvents(scheduled, now)];
  if (ending) {
    const code = OrchestrationStatusCode[ending.status];
    appended.push(historyEvent.executionCompleted(now, code, ending.output));
    log(
      `durable: ${instance.name} (${instanceId}) ${ending.status.toLowerCase()}${ending.status === 'Completed' ? '' : `: ${ending.output}`}`,
    );
  }
  appended.push(historyEvent.orchestratorCompleted(now));

  const newMessages = toTimerMessages(scheduled, instance.executionId, now);
  await store.commitEpisode({
    instance: {
      ...instance,
      runtimeStatus: ending?.status ?? 'Running',
      output: ending ? ending.output : null,
      customStatus: decision.customStatus,
      lastUpdatedTime: now,
      historyLength: history.length + appended.length,
    },
    appendedHistory: appended,
    consumedMessageKeys: [...consumed, ...obsolete].map((message) => message.rowKey),
    newMessages,
  });

  const remaining = messages.filter((message) => !consumed.includes(message) && !obsolete.includes(message));
  const wakeTimes = [futureWake, ...newMessages.map((message) => message.visibleAt)].filter((at): at is number => at !== undefined);
  return {
    activities: ending
      ? []
      : scheduled.flatMap((action) =>
          action.kind === 'activity'
            ? [{ instanceId, executionId: instance.executionId, taskId: action.id, name: action.name, input: action.input }]
            : [],
        ),
    nextWakeAt: ending || wakeTimes.length === 0 ? undefined : Math.min(...wakeTimes),
    // After an ending, another episode drops whatever is left (late results, pending timers).
    moreVisible: ending ? remaining.length > 0 : remaining.some((message) => message.visibleAt <= now.getTime()),
  };
}
