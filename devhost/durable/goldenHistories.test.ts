import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { getRegistrations, installFunctionsCore } from '../functionsCore.js';
import { replayActions, type PlannedAction } from './actionReplay.js';
import { historyEvent, EventType, type HistoryEvent } from './historyEvents.js';
import { TIMER_LIMITS, newInvocationContext, toOrchestrationTriggerValue } from './invocation.js';
import {
  actionTypeName,
  fromOrchestratorError,
  fromOrchestratorResult,
  ReplaySchema,
  type OrchestratorAction,
} from './orchestratorState.js';

/**
 * Golden histories: histories as the Durable extension records them, with the orchestrator states the
 * durable-functions library's own tests expect for them (./test/goldenHistories.json says where they
 * come from). Each is replayed through the devhost's path: the real orchestrator code over the trigger
 * value the engine builds, then the engine's action replay, which must accept the history as is and,
 * cut after an episode's new events, schedule what the history recorded next.
 */

installFunctionsCore();
const df = await import('durable-functions');

interface GoldenEvent {
  event: keyof typeof EventType;
  at: number;
  id?: number;
  name?: string;
  input?: string | null;
  result?: string;
  reason?: string;
  details?: string;
  taskScheduledId?: number;
  timerId?: number;
  fireAt?: number;
}

type ExpectedAction = { actionType: string } & Record<string, unknown>;

interface GoldenCase {
  name: string;
  orchestrator: string;
  /** The schema the library's test ran it under; V1 unless given. */
  replaySchema?: 'V3';
  history: GoldenEvent[];
  expected: { isDone: boolean; output?: unknown; error?: string; actions: ExpectedAction[][] };
  steps?: Array<{ after: number; newActions: Array<Partial<Omit<PlannedAction, 'fireAt'>> & { fireAt?: number }> }>;
}

const golden = JSON.parse(readFileSync(new URL('./test/goldenHistories.json', import.meta.url), 'utf8')) as { cases: GoldenCase[] };

// The orchestrators of durable-functions' test objects (TestOrchestrations), under their names.
df.app.orchestration('SayHelloSequence', function* (context) {
  const output = [];
  output.push(yield context.df.callActivity('Hello', 'Tokyo'));
  output.push(yield context.df.callActivity('Hello', 'Seattle'));
  output.push(yield context.df.callActivity('Hello', 'London'));
  return output;
});
df.app.orchestration('FanOutFanInDiskUsage', function* (context) {
  const files = (yield context.df.callActivity('GetFileList', context.df.getInput())) as string[];
  const sizes = (yield context.df.Task.all(files.map((file) => context.df.callActivity('GetFileSize', file)))) as number[];
  return sizes.reduce((total, size) => total + size, 0);
});
df.app.orchestration('SayHelloWithActivityRetry', function* (context) {
  return yield context.df.callActivityWithRetry('Hello', new df.RetryOptions(10000, 2), context.df.getInput());
});
df.app.orchestration('WaitForExternalEvent', function* (context) {
  const name = yield context.df.waitForExternalEvent('start');
  return yield context.df.callActivity('Hello', name);
});
df.app.orchestration('TimerActivityRace', function* (context) {
  const tasks = [context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 1000)), context.df.callActivity('TaskA')];
  const winner = yield context.df.Task.any(tasks);
  if (winner !== tasks[1]) return 'Timer finished';
  yield context.df.callActivity('TaskB');
  return winner.result;
});
df.app.orchestration('WaitOnTimer', function* (context) {
  yield context.df.createTimer(new Date(context.df.getInput<string>()));
  return 'Timer fired!';
});

const at = (ms: number) => new Date(ms);

function toHistoryEvent(event: GoldenEvent): HistoryEvent {
  switch (event.event) {
    case 'OrchestratorStarted':
      return historyEvent.orchestratorStarted(at(event.at));
    case 'OrchestratorCompleted':
      return historyEvent.orchestratorCompleted(at(event.at));
    case 'ExecutionStarted':
      return historyEvent.executionStarted(at(event.at), 'golden', 'golden-execution', event.name!, event.input ?? null);
    case 'TaskScheduled':
      return historyEvent.taskScheduled(at(event.at), event.id!, event.name!, '[null]');
    case 'TaskCompleted':
      return historyEvent.taskCompleted(at(event.at), event.taskScheduledId!, event.result!);
    case 'TaskFailed':
      return historyEvent.taskFailed(at(event.at), event.taskScheduledId!, event.reason!, event.details ?? '');
    case 'TimerCreated':
      return historyEvent.timerCreated(at(event.at), event.id!, at(event.fireAt!));
    case 'TimerFired':
      return historyEvent.timerFired(at(event.at), event.timerId!, at(event.fireAt!).toISOString());
    case 'EventRaised':
      return historyEvent.eventRaised(at(event.at), event.name!, event.input ?? null);
    default:
      throw new Error(`No golden event kind ${event.event}`);
  }
}

/** An action as the golden data states it: its kind by name, times as offsets, only the facts the data keeps. */
function toFacts(action: OrchestratorAction, expected: ExpectedAction): Record<string, unknown> {
  const facts: Record<string, unknown> = { actionType: actionTypeName(action.actionType) };
  for (const key of Object.keys(expected)) {
    if (key === 'actionType') continue;
    const value = (action as unknown as Record<string, unknown>)[key];
    if (key === 'fireAt') facts.fireAt = new Date(value as string).getTime();
    else if (key === 'retryOptions') {
      const retry = value as Record<string, unknown>;
      facts.retryOptions = Object.fromEntries(Object.keys(expected.retryOptions as object).map((name) => [name, retry[name]]));
    } else facts[key] = value;
  }
  return facts;
}

/** Runs the registered orchestrator over `events` as the engine runs it (events from the last OrchestratorStarted on are new). */
async function runOrchestrator(name: string, events: readonly HistoryEvent[], schema: 'engine' | 'V1' | 'V3') {
  const registration = getRegistrations().find((candidate) => candidate.name === name)!;
  const firstNew = events.findLastIndex((event) => event.EventType === EventType.OrchestratorStarted);
  const started = events.find((event) => event.EventType === EventType.ExecutionStarted);
  const input = started?.EventType === EventType.ExecutionStarted ? started.Input : null;
  const trigger = toOrchestrationTriggerValue('golden', events.slice(0, firstNew), events.slice(firstNew), input);
  // The library's own tests ran most histories under schema V1 (an extension that knows no newer one).
  const value = schema === 'V1' ? { ...trigger, upperSchemaVersion: ReplaySchema.V1, upperSchemaVersionNew: undefined } : trigger;
  const context = newInvocationContext(registration, { log: () => {}, clientInput: () => undefined }, {});
  try {
    return { outcome: fromOrchestratorResult(await registration.handler(value, context)), firstNew };
  } catch (error) {
    return { outcome: fromOrchestratorError(error), firstNew };
  }
}

/** What the engine makes of `events`: the orchestrator's state, and the replay's judgement of its actions. */
async function replayThroughEngine(name: string, events: readonly HistoryEvent[]) {
  const { outcome, firstNew } = await runOrchestrator(name, events, 'engine');
  if (outcome.kind !== 'state') throw new Error(`The orchestrator crashed: ${outcome.message}`);
  const replay = replayActions(events, outcome.state.actions, {
    schemaVersion: outcome.state.schemaVersion,
    firstNewEventIndex: firstNew,
    maximumShortTimerMs: TIMER_LIMITS.maximumShortTimerMs,
    longRunningTimerIntervalMs: TIMER_LIMITS.longRunningTimerIntervalMs,
  });
  return { state: outcome.state, replay };
}

describe('golden Durable histories through the devhost replay', () => {
  describe.each(golden.cases)('$name', (golden) => {
    const history = golden.history.map(toHistoryEvent);

    it('makes the orchestrator report the actions, output and error the library’s tests expect', async () => {
      const { outcome } = await runOrchestrator(golden.orchestrator, history, golden.replaySchema ?? 'V1');
      if (outcome.kind !== 'state') throw new Error(`The orchestrator crashed: ${outcome.message}`);
      const { state } = outcome;
      expect(state.isDone).toBe(golden.expected.isDone);
      if ('output' in golden.expected) expect(state.output).toEqual(golden.expected.output);
      if (golden.expected.error) expect(state.error).toContain(golden.expected.error);
      expect(
        state.actions.map((set, i) => set.map((action, j) => toFacts(action, golden.expected.actions[i]?.[j] ?? { actionType: '' }))),
      ).toEqual(golden.expected.actions);
    });

    it('replays the whole history without a non-determinism and with nothing left to schedule', async () => {
      const { state, replay } = await replayThroughEngine(golden.orchestrator, history);
      const recordedAll = !golden.steps?.some((step) => step.after === history.length);
      if (recordedAll) expect(replay.newActions).toEqual([]);
      expect(replay.finished).toBe(golden.expected.isDone || golden.expected.error !== undefined);
      if ('output' in golden.expected && golden.expected.isDone) expect(state.output).toEqual(golden.expected.output);
    });

    it.each(golden.steps ?? [])('schedules what the history recorded next after its first $after events', async (step) => {
      const { replay } = await replayThroughEngine(golden.orchestrator, history.slice(0, step.after));
      const scheduled = replay.newActions.map((action, index) => {
        const expected = step.newActions[index] ?? {};
        const facts: Record<string, unknown> = { kind: action.kind, id: action.id };
        if (action.kind === 'activity') {
          facts.name = action.name;
          if ('input' in expected) facts.input = action.input;
        } else if ('fireAt' in expected) facts.fireAt = action.fireAt.getTime();
        return facts;
      });
      expect(scheduled).toEqual(step.newActions);
    });
  });
});
