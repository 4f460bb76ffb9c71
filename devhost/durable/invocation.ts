import type { InvocationContext } from '@azure/functions';
import type { FunctionRegistration } from '../functionsCore.js';
import { createInvocationContext, toEffectiveFunctionOptions } from '../invocation.js';
import { UnsupportedBindingError } from './errors.js';
import type { HistoryEvent } from './historyEvents.js';

/**
 * Calls orchestrator and activity handlers the way the Node worker does: trigger value first, a
 * public `InvocationContext` second, with the trigger value in the JSON shape the host sends.
 */

/** What the extension puts in the orchestration trigger (OrchestrationTriggerAttributeBindingProvider). */
export interface OrchestrationTriggerValue {
  history: HistoryEvent[];
  input: unknown;
  instanceId: string;
  isReplaying: boolean;
  parentInstanceId: null;
  upperSchemaVersion: number;
  upperSchemaVersionNew: number;
  longRunningTimerIntervalDuration: string;
  maximumShortTimerDuration: string;
  defaultHttpAsyncRequestSleepTimeMillseconds: number;
}

/** Azure Storage's timer limits, as TimeSpan strings and in milliseconds. */
export const TIMER_LIMITS = {
  longRunningTimerIntervalDuration: '3.00:00:00',
  maximumShortTimerDuration: '6.00:00:00',
  longRunningTimerIntervalMs: 3 * 24 * 3600_000,
  maximumShortTimerMs: 6 * 24 * 3600_000,
} as const;

/** The extension advertises OOProc schema V2 (old field) and V3 (new field): durable-functions then emits V3 actions. */
const UPPER_SCHEMA_VERSION = 1;
const UPPER_SCHEMA_VERSION_NEW = 2;

export function toOrchestrationTriggerValue(
  instanceId: string,
  pastEvents: readonly HistoryEvent[],
  newEvents: readonly HistoryEvent[],
  input: string | null,
): OrchestrationTriggerValue {
  const value: OrchestrationTriggerValue = {
    history: [...pastEvents.map((event) => ({ ...event, IsPlayed: true })), ...newEvents.map((event) => ({ ...event, IsPlayed: false }))],
    input: input === null ? null : JSON.parse(input),
    instanceId,
    isReplaying: pastEvents.length > 0,
    parentInstanceId: null,
    upperSchemaVersion: UPPER_SCHEMA_VERSION,
    upperSchemaVersionNew: UPPER_SCHEMA_VERSION_NEW,
    longRunningTimerIntervalDuration: TIMER_LIMITS.longRunningTimerIntervalDuration,
    maximumShortTimerDuration: TIMER_LIMITS.maximumShortTimerDuration,
    defaultHttpAsyncRequestSleepTimeMillseconds: 30_000,
  };
  // The worker receives this as a JSON string and parses it.
  return JSON.parse(JSON.stringify(value)) as OrchestrationTriggerValue;
}

/** The activity's input as the worker delivers it: the extension passes strings through, the worker JSON-parses them. */
export function toActivityTriggerValue(taskScheduledInput: string): unknown {
  const [input] = JSON.parse(taskScheduledInput) as [unknown];
  if (typeof input !== 'string') return input;
  try {
    return JSON.parse(input);
  } catch {
    return input;
  }
}

export interface InvocationEnvironment {
  log: (line: string) => void;
  /** host.json `functionTimeout`, which cuts orchestrator and activity invocations too. */
  functionTimeoutMs?: number;
  /** The value for `durableClient` inputs, the only extra binding the engine can fill. */
  clientInput: () => unknown;
}

export function newInvocationContext(
  registration: FunctionRegistration,
  environment: InvocationEnvironment,
  triggerMetadata: Record<string, unknown>,
): InvocationContext {
  const options = toEffectiveFunctionOptions(registration.bindings);
  const unsupported = [...options.extraInputs, ...options.extraOutputs].filter((binding) => binding.type !== 'durableClient');
  if (unsupported.length > 0) {
    throw new UnsupportedBindingError(
      `'${registration.name}' has ${unsupported.map((binding) => `a ${binding.type} binding '${binding.name}'`).join(', ')}: ` +
        'the devhost Durable engine fills only durableClient inputs for orchestrators and activities.',
    );
  }
  const context = createInvocationContext(registration, { triggerMetadata }, environment.log);
  for (const input of options.extraInputs) context.extraInputs.set(input, environment.clientInput());
  return context;
}
