import type { AppSettings } from './appSettings.js';
import { DevhostError } from './errors.js';
import type { BindingMetadata, FunctionRegistration } from './functionsCore.js';

/** Which of a registration's bindings the devhost runs, and which it refuses at start-up. */

export const RETURN_BINDING = '$return';

const DURABLE_TRIGGERS = ['orchestrationtrigger', 'activitytrigger'];
const AUTH_LEVELS = ['anonymous', 'function', 'admin'];
const HOST_TRIGGERS = ['httptrigger', 'blobtrigger', 'queuetrigger', 'timertrigger'];

export interface TriggerBinding {
  name: string;
  binding: BindingMetadata;
  /** Lower-cased binding type, e.g. `queuetrigger`. */
  kind: string;
}

export function triggerOf(registration: FunctionRegistration): TriggerBinding {
  const entry = Object.entries(registration.bindings).find(([, binding]) => /trigger$/i.test(binding.type));
  if (!entry) throw new DevhostError(`Function "${registration.name}" has no trigger binding.`);
  return { name: entry[0], binding: entry[1], kind: entry[1].type.toLowerCase() };
}

export function isDurableFunction(registration: FunctionRegistration): boolean {
  return DURABLE_TRIGGERS.includes(triggerOf(registration).kind);
}

export function hasDurableClientInput(registration: FunctionRegistration): boolean {
  return Object.values(registration.bindings).some(
    (binding) => binding.direction === 'in' && binding.type.toLowerCase() === 'durableclient',
  );
}

/** The app setting `AzureWebJobs.<name>.Disabled`, as the host honours it. */
export function isDisabled(registration: FunctionRegistration, settings: AppSettings): boolean {
  const value = settings[`AzureWebJobs.${registration.name}.Disabled`] ?? settings[`AzureWebJobs__${registration.name}__Disabled`];
  return value?.toLowerCase() === 'true' || value === '1';
}

/** Fails start-up on a binding the devhost would otherwise silently ignore. */
export function assertRunnable(registration: FunctionRegistration): void {
  const trigger = triggerOf(registration);
  if (trigger.kind === 'entitytrigger') {
    throw new DevhostError(`Function "${registration.name}" is a Durable entity (df.app.entity), which the devhost does not run.`);
  }
  if (!HOST_TRIGGERS.includes(trigger.kind) && !DURABLE_TRIGGERS.includes(trigger.kind)) {
    throw new DevhostError(`Function "${registration.name}" has a ${trigger.binding.type}, which the devhost does not run.`);
  }
  if (registration.retryOptions !== undefined) {
    throw new DevhostError(`Function "${registration.name}" declares a retry policy (retry: …), which the devhost does not apply.`);
  }
  const authLevel = trigger.binding.authLevel;
  if (
    trigger.kind === 'httptrigger' &&
    authLevel !== undefined &&
    !(typeof authLevel === 'string' && AUTH_LEVELS.includes(authLevel.toLowerCase()))
  ) {
    throw new DevhostError(
      `Function "${registration.name}" has authLevel ${JSON.stringify(authLevel)}; the host knows ${AUTH_LEVELS.join(', ')}.`,
    );
  }
  const durable = DURABLE_TRIGGERS.includes(trigger.kind);
  for (const [name, binding] of Object.entries(registration.bindings)) {
    if (name === trigger.name) continue;
    const type = binding.type.toLowerCase();
    // The Durable engine runs orchestrations and activities; it gives them a durable client and nothing else.
    const supported =
      binding.direction === 'in'
        ? type === 'durableclient'
        : !durable && (type === 'queue' || (type === 'http' && name === RETURN_BINDING && trigger.kind === 'httptrigger'));
    if (!supported) {
      throw new DevhostError(
        `Function "${registration.name}" has a "${binding.type}" ${binding.direction} binding "${name}", which the devhost does not run.`,
      );
    }
  }
}
