import { describe, expect, it } from 'vitest';
import { replayActions, type ActionReplayOptions } from './actionReplay.js';
import { NonDeterministicOrchestrationError, UnsupportedDurableActionError } from './errors.js';
import { EventType, historyEvent, type HistoryEvent } from './historyEvents.js';
import { ActionType, ReplaySchema, type OrchestratorAction } from './orchestratorState.js';

const DAY = 24 * 3600_000;
const start = new Date('2026-01-01T00:00:00.000Z');
const at = (ms: number) => new Date(start.getTime() + ms);

function options(history: readonly HistoryEvent[], schemaVersion: number = ReplaySchema.V3): ActionReplayOptions {
  const lastStart = history.findLastIndex((event) => event.EventType === EventType.OrchestratorStarted);
  return { schemaVersion, firstNewEventIndex: lastStart, maximumShortTimerMs: 6 * DAY, longRunningTimerIntervalMs: 3 * DAY };
}

const started = [historyEvent.orchestratorStarted(start), historyEvent.executionStarted(start, 'i', 'e', 'orch', null)];
const activity = (name: string, input?: unknown): OrchestratorAction => ({
  actionType: ActionType.CallActivity,
  functionName: name,
  input,
});
const timer = (fireAt: Date, isCanceled = false): OrchestratorAction => ({
  actionType: ActionType.CreateTimer,
  fireAt: fireAt.toISOString(),
  isCanceled,
});

describe('replayActions', () => {
  it("numbers new actions in order, compound children included, with the extension's input encoding", () => {
    const actions = [
      [{ actionType: ActionType.WhenAll, compoundActions: [activity('a', '"hi"'), activity('b', { n: 1 }), timer(at(1000))] }],
    ];
    const result = replayActions(started, actions, options(started));
    expect(result.finished).toBe(false);
    expect(result.newActions).toEqual([
      { kind: 'activity', id: 0, name: 'a', input: '["\\"hi\\""]' },
      { kind: 'activity', id: 1, name: 'b', input: '[{"n":1}]' },
      { kind: 'timer', id: 2, fireAt: at(1000) },
    ]);
  });

  it('reports an activity the replay no longer schedules', () => {
    const history = [
      ...started,
      historyEvent.taskScheduled(start, 0, 'a', '[null]'),
      historyEvent.orchestratorCompleted(start),
      historyEvent.orchestratorStarted(at(5)),
    ];
    expect(() => replayActions(history, [[]], options(history))).toThrow(NonDeterministicOrchestrationError);
    expect(() => replayActions(history, [[]], options(history))).toThrow(
      /scheduled an activity task with sequence ID 0 and name 'a'.*hasn't \(yet\?\) scheduled/,
    );
  });

  it('reports a timer replayed as an activity', () => {
    const history = [
      ...started,
      historyEvent.timerCreated(start, 0, at(10)),
      historyEvent.orchestratorCompleted(start),
      historyEvent.orchestratorStarted(at(5)),
    ];
    expect(() => replayActions(history, [[activity('a')]], options(history))).toThrow(
      /scheduled a timer task with sequence number 0 named but the current orchestration replay instead produced a ScheduleTaskOrchestratorAction/,
    );
  });

  it('refuses actions the engine does not run', () => {
    expect(() =>
      replayActions(started, [[{ actionType: ActionType.CallSubOrchestrator, functionName: 'child' }]], options(started)),
    ).toThrow(UnsupportedDurableActionError);
  });

  it('splits a timer beyond six days into three-day timers, as the extension does for Azure Storage', () => {
    const tenDays = [[timer(at(10 * DAY))]];
    expect(replayActions(started, tenDays, options(started)).newActions).toEqual([{ kind: 'timer', id: 0, fireAt: at(3 * DAY) }]);
    const history = [
      ...started,
      historyEvent.timerCreated(start, 0, at(3 * DAY)),
      historyEvent.orchestratorCompleted(start),
      historyEvent.orchestratorStarted(at(3 * DAY)),
      historyEvent.timerFired(at(3 * DAY), 0, at(3 * DAY).toISOString()),
    ];
    expect(replayActions(history, tenDays, options(history)).newActions).toEqual([{ kind: 'timer', id: 1, fireAt: at(6 * DAY) }]);
  });

  it('spends an id on a cancelled timer and lets the event win Task.any', () => {
    const actions = [
      [
        {
          actionType: ActionType.WhenAny,
          compoundActions: [{ actionType: ActionType.WaitForExternalEvent, externalEventName: 'go' }, timer(at(DAY), true)],
        },
      ],
    ];
    const history = [
      ...started,
      historyEvent.timerCreated(start, 0, at(DAY)),
      historyEvent.orchestratorCompleted(start),
      historyEvent.orchestratorStarted(at(5)),
      historyEvent.eventRaised(at(5), 'go', '1'),
    ];
    expect(replayActions(history, actions, options(history))).toEqual({ newActions: [], finished: true, notices: [] });
  });

  it('awaits any task of each action set before the next under schema V1', () => {
    const history = [
      ...started,
      historyEvent.taskScheduled(start, 0, 'a', '[null]'),
      historyEvent.orchestratorCompleted(start),
      historyEvent.orchestratorStarted(at(5)),
      historyEvent.taskCompleted(at(5), 0, '1'),
    ];
    const result = replayActions(history, [[activity('a')], [activity('b')]], options(history, ReplaySchema.V1));
    expect(result.newActions).toEqual([{ kind: 'activity', id: 1, name: 'b', input: '[null]' }]);
  });
});
