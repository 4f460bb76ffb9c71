/** The one base type for everything the devhost's Durable engine throws. */
export class DurableEngineError extends Error {
  override name = 'DurableEngineError';
}

/** A replay produced actions that contradict the recorded history (DurableTask.Core's wording). */
export class NonDeterministicOrchestrationError extends DurableEngineError {
  override name = 'NonDeterministicOrchestrationError';
  constructor(detail: string) {
    super(`Non-Deterministic workflow detected: ${detail}`);
  }
}

/** The orchestrator asked for something this engine does not drive (entities, HTTP, sub-orchestrations, …). */
export class UnsupportedDurableActionError extends DurableEngineError {
  override name = 'UnsupportedDurableActionError';
  constructor(actionType: string) {
    super(
      `The orchestrator scheduled a '${actionType}' action, which the devhost Durable engine does not run ` +
        '(it runs activities with and without retry, timers, external events, Task.all and Task.any).',
    );
  }
}

/** The orchestrator returned something that is not the out-of-proc state the extension expects. */
export class OrchestratorProtocolError extends DurableEngineError {
  override name = 'OrchestratorProtocolError';
}

/** `startNew` on an instance id that is still Pending or Running (the default `NonRunningStates`). */
export class InstanceAlreadyExistsError extends DurableEngineError {
  override name = 'InstanceAlreadyExistsError';
  constructor(readonly runtimeStatus: string) {
    super(`An Orchestration instance with the status ${runtimeStatus} already exists.`);
  }
}

/** An instance id the extension refuses (DurableClient.StartNewAsync's rules). */
export class InvalidInstanceIdError extends DurableEngineError {
  override name = 'InvalidInstanceIdError';
}

/** An orchestrator called an activity no function registered (DurableTaskExtension.ThrowIfFunctionDoesNotExist). */
export class UnknownActivityError extends DurableEngineError {
  override name = 'UnknownActivityError';
  constructor(activityName: string, known: readonly string[]) {
    super(
      `The function '${activityName}' doesn't exist, is disabled, or is not an activity function. Additional info: ` +
        (known.length > 0
          ? `The following are the known activity functions: '${known.join("', '")}'.`
          : 'No activity functions are currently registered!'),
    );
  }
}

/** `startNew` for a function that is not a registered orchestrator. */
export class OrchestratorNotFoundError extends DurableEngineError {
  override name = 'OrchestratorNotFoundError';
  constructor(functionName: string) {
    super(`The function '${functionName}' doesn't exist, is disabled, or is not an orchestrator function.`);
  }
}

/** A value too large for one Azure Tables entity (1 MiB). */
export class DurablePayloadTooLargeError extends DurableEngineError {
  override name = 'DurablePayloadTooLargeError';
}

/** Someone else changed the instance between this episode's read and its commit. */
export class InstanceChangedError extends DurableEngineError {
  override name = 'InstanceChangedError';
}

/** A binding on an orchestrator or activity that only the real host could fill. */
export class UnsupportedBindingError extends DurableEngineError {
  override name = 'UnsupportedBindingError';
}
