/**
 * History events in the JSON shape DurableTask.Core serialises and the Durable extension hands to
 * out-of-proc orchestrators (PascalCase fields, numeric `EventType`, ISO timestamps). The engine
 * stores exactly these and replays them to durable-functions, which reads them by these names.
 */

export const EventType = {
  ExecutionStarted: 0,
  ExecutionCompleted: 1,
  ExecutionTerminated: 3,
  TaskScheduled: 4,
  TaskCompleted: 5,
  TaskFailed: 6,
  SubOrchestrationInstanceCreated: 7,
  SubOrchestrationInstanceCompleted: 8,
  SubOrchestrationInstanceFailed: 9,
  TimerCreated: 10,
  TimerFired: 11,
  OrchestratorStarted: 12,
  OrchestratorCompleted: 13,
  EventSent: 14,
  EventRaised: 15,
  ContinueAsNew: 16,
} as const;

export type EventTypeName = keyof typeof EventType;

/** DurableTask.Core's OrchestrationStatus numbers, as `ExecutionCompleted.OrchestrationStatus` carries them. */
export const OrchestrationStatusCode = { Completed: 1, Failed: 3, Terminated: 5 } as const;

interface EventBase {
  EventId: number;
  IsPlayed: boolean;
  Timestamp: string;
}

export interface ExecutionStartedEvent extends EventBase {
  EventType: typeof EventType.ExecutionStarted;
  OrchestrationInstance: { InstanceId: string; ExecutionId: string };
  ParentInstance: null;
  Name: string;
  Version: string;
  Input: string | null;
}
export interface ExecutionCompletedEvent extends EventBase {
  EventType: typeof EventType.ExecutionCompleted;
  OrchestrationStatus: (typeof OrchestrationStatusCode)[keyof typeof OrchestrationStatusCode];
  Result: string | null;
}
export interface ExecutionTerminatedEvent extends EventBase {
  EventType: typeof EventType.ExecutionTerminated;
  Input: string | null;
}
export interface TaskScheduledEvent extends EventBase {
  EventType: typeof EventType.TaskScheduled;
  Name: string;
  Version: string;
  Input: string;
}
export interface TaskCompletedEvent extends EventBase {
  EventType: typeof EventType.TaskCompleted;
  TaskScheduledId: number;
  Result: string;
}
export interface TaskFailedEvent extends EventBase {
  EventType: typeof EventType.TaskFailed;
  TaskScheduledId: number;
  Reason: string;
  Details: string;
}
export interface TimerCreatedEvent extends EventBase {
  EventType: typeof EventType.TimerCreated;
  FireAt: string;
}
export interface TimerFiredEvent extends EventBase {
  EventType: typeof EventType.TimerFired;
  TimerId: number;
  FireAt: string;
}
export interface OrchestratorStartedEvent extends EventBase {
  EventType: typeof EventType.OrchestratorStarted;
}
export interface OrchestratorCompletedEvent extends EventBase {
  EventType: typeof EventType.OrchestratorCompleted;
}
export interface EventRaisedEvent extends EventBase {
  EventType: typeof EventType.EventRaised;
  Name: string;
  Input: string | null;
}

export type HistoryEvent =
  | ExecutionStartedEvent
  | ExecutionCompletedEvent
  | ExecutionTerminatedEvent
  | TaskScheduledEvent
  | TaskCompletedEvent
  | TaskFailedEvent
  | TimerCreatedEvent
  | TimerFiredEvent
  | OrchestratorStartedEvent
  | OrchestratorCompletedEvent
  | EventRaisedEvent;

/** Events that only the engine's inbox delivers into a history (DTFx's "new events"). */
export type MessageEvent =
  ExecutionStartedEvent | ExecutionTerminatedEvent | TaskCompletedEvent | TaskFailedEvent | TimerFiredEvent | EventRaisedEvent;

/** Events without their own sequence number carry -1, as in DurableTask.Core. */
function base(at: Date, eventId = -1): EventBase {
  return { EventId: eventId, IsPlayed: false, Timestamp: at.toISOString() };
}

export const historyEvent = {
  executionStarted(at: Date, instanceId: string, executionId: string, name: string, input: string | null): ExecutionStartedEvent {
    return {
      ...base(at),
      EventType: EventType.ExecutionStarted,
      OrchestrationInstance: { InstanceId: instanceId, ExecutionId: executionId },
      ParentInstance: null,
      Name: name,
      Version: '',
      Input: input,
    };
  },
  executionCompleted(at: Date, status: ExecutionCompletedEvent['OrchestrationStatus'], result: string | null): ExecutionCompletedEvent {
    return { ...base(at), EventType: EventType.ExecutionCompleted, OrchestrationStatus: status, Result: result };
  },
  executionTerminated(at: Date, reason: string | null): ExecutionTerminatedEvent {
    return { ...base(at), EventType: EventType.ExecutionTerminated, Input: reason };
  },
  taskScheduled(at: Date, id: number, name: string, input: string): TaskScheduledEvent {
    return { ...base(at, id), EventType: EventType.TaskScheduled, Name: name, Version: '', Input: input };
  },
  taskCompleted(at: Date, taskScheduledId: number, result: string): TaskCompletedEvent {
    return { ...base(at), EventType: EventType.TaskCompleted, TaskScheduledId: taskScheduledId, Result: result };
  },
  taskFailed(at: Date, taskScheduledId: number, reason: string, details: string): TaskFailedEvent {
    return { ...base(at), EventType: EventType.TaskFailed, TaskScheduledId: taskScheduledId, Reason: reason, Details: details };
  },
  timerCreated(at: Date, id: number, fireAt: Date): TimerCreatedEvent {
    return { ...base(at, id), EventType: EventType.TimerCreated, FireAt: fireAt.toISOString() };
  },
  timerFired(at: Date, timerId: number, fireAt: string): TimerFiredEvent {
    return { ...base(at), EventType: EventType.TimerFired, TimerId: timerId, FireAt: fireAt };
  },
  orchestratorStarted(at: Date): OrchestratorStartedEvent {
    return { ...base(at), EventType: EventType.OrchestratorStarted };
  },
  orchestratorCompleted(at: Date): OrchestratorCompletedEvent {
    return { ...base(at), EventType: EventType.OrchestratorCompleted };
  },
  eventRaised(at: Date, name: string, input: string | null): EventRaisedEvent {
    return { ...base(at), EventType: EventType.EventRaised, Name: name, Input: input };
  },
};

export function eventTypeName(type: number): EventTypeName | `${number}` {
  const found = (Object.keys(EventType) as EventTypeName[]).find((name) => EventType[name] === type);
  return found ?? `${type}`;
}
