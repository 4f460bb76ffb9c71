import { OrchestratorProtocolError } from './errors.js';

/**
 * What a durable-functions orchestrator hands back to the extension: its state object on success,
 * or, when it fails, an error whose message carries the same state after `$OutOfProcData$:` (the
 * label the extension's OutOfProcExceptionHelpers looks for).
 */

/** durable-functions' ActionType numbers. */
export const ActionType = {
  CallActivity: 0,
  CallActivityWithRetry: 1,
  CallSubOrchestrator: 2,
  CallSubOrchestratorWithRetry: 3,
  ContinueAsNew: 4,
  CreateTimer: 5,
  WaitForExternalEvent: 6,
  CallEntity: 7,
  CallHttp: 8,
  SignalEntity: 9,
  ScheduledSignalEntity: 10,
  WhenAny: 11,
  WhenAll: 12,
  LockEntities: 13,
  ReleaseEntities: 14,
} as const;

/** durable-functions' ReplaySchema numbers (V1 = 0 … V4 = 3). */
export const ReplaySchema = { V1: 0, V2: 1, V3: 2, V4: 3 } as const;

export interface RetryOptionsJson {
  firstRetryIntervalInMilliseconds: number;
  maxNumberOfAttempts: number;
  backoffCoefficient?: number;
  maxRetryIntervalInMilliseconds?: number;
  retryTimeoutInMilliseconds?: number;
}

export interface OrchestratorAction {
  actionType: number;
  functionName?: string;
  input?: unknown;
  compoundActions?: OrchestratorAction[];
  fireAt?: string;
  isCanceled?: boolean;
  externalEventName?: string;
  retryOptions?: RetryOptionsJson;
}

interface OrchestratorState {
  isDone: boolean;
  actions: OrchestratorAction[][];
  output?: unknown;
  error?: string;
  customStatus?: unknown;
  schemaVersion: number;
}

/** Either the state the orchestrator reported, or a crash that reported none. */
export type OrchestratorOutcome = { kind: 'state'; state: OrchestratorState } | { kind: 'crash'; message: string };

const OUT_OF_PROC_DATA_LABEL = '\n\n$OutOfProcData$:';

export function actionTypeName(actionType: number): string {
  const entry = Object.entries(ActionType).find(([, value]) => value === actionType);
  return entry ? entry[0] : `ActionType ${actionType}`;
}

/** The worker sends the handler's return value as JSON: round-trip it the same way (Dates become ISO strings). */
export function fromOrchestratorResult(value: unknown): OrchestratorOutcome {
  if (value === undefined || value === null) {
    throw new OrchestratorProtocolError('The orchestrator handler returned no state. Is it registered with df.app.orchestration?');
  }
  return { kind: 'state', state: toOrchestratorState(JSON.parse(JSON.stringify(value))) };
}

export function fromOrchestratorError(error: unknown): OrchestratorOutcome {
  const message = error instanceof Error ? error.message : String(error);
  const labelAt = message.indexOf(OUT_OF_PROC_DATA_LABEL);
  if (labelAt === -1) return { kind: 'crash', message };
  return { kind: 'state', state: toOrchestratorState(JSON.parse(message.slice(labelAt + OUT_OF_PROC_DATA_LABEL.length))) };
}

function toOrchestratorState(json: unknown): OrchestratorState {
  if (typeof json !== 'object' || json === null) throw new OrchestratorProtocolError('The orchestrator state is not an object.');
  const state = json as Partial<OrchestratorState>;
  if (!Array.isArray(state.actions) || !state.actions.every(Array.isArray)) {
    throw new OrchestratorProtocolError('The orchestrator state has no actions array of arrays.');
  }
  return {
    isDone: state.isDone === true,
    actions: state.actions,
    output: state.output,
    error: typeof state.error === 'string' && state.error.length > 0 ? state.error : undefined,
    customStatus: state.customStatus,
    schemaVersion: typeof state.schemaVersion === 'number' ? state.schemaVersion : ReplaySchema.V1,
  };
}
