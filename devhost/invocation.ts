import { randomUUID } from 'node:crypto';
import { format } from 'node:util';
// A CommonJS bundle: its classes are reachable only through the default export.
import functions from '@azure/functions';
import type {
  EffectiveFunctionOptions,
  FunctionInput,
  FunctionOutput,
  FunctionTrigger,
  InvocationContext,
  RetryContext,
  TriggerMetadata,
} from '@azure/functions';
import type { BindingMetadata, FunctionRegistration } from './functionsCore.js';
import { RETURN_BINDING, triggerOf } from './functionBindings.js';
import { withInvocationHooks } from './hooks.js';
import { formatTimeSpan } from './hostSettings.js';
import { describeError, timestamped, type LogSink } from './log.js';
import type { QueueOutput } from './queueOutput.js';

/**
 * Calls a registered handler the way the Node worker does (`@azure/functions` InvocationModel): the
 * trigger value first, a public `InvocationContext` second, extra inputs on `context.extraInputs`,
 * extra outputs read back from `context.extraOutputs` (and `$return`) and written only on success.
 */

/** The binding map as the library presents it on `context.options` (its `fromRpcBindings`). */
export function toEffectiveFunctionOptions(bindings: Record<string, BindingMetadata>): EffectiveFunctionOptions {
  let trigger: FunctionTrigger | undefined;
  let returnBinding: FunctionOutput | undefined;
  const extraInputs: FunctionInput[] = [];
  const extraOutputs: FunctionOutput[] = [];
  for (const [name, binding] of Object.entries(bindings)) {
    const option = { ...binding, name };
    if (/trigger$/i.test(binding.type)) trigger = option;
    else if (name === RETURN_BINDING) returnBinding = option;
    else if (binding.direction === 'in') extraInputs.push(option);
    else extraOutputs.push(option);
  }
  return { trigger: trigger ?? { name: 'unknown', type: 'unknown' }, return: returnBinding, extraInputs, extraOutputs };
}

export interface InvocationContextInput {
  invocationId?: string;
  triggerMetadata?: TriggerMetadata;
  retryContext?: RetryContext;
}

/** A real `InvocationContext` whose log lines carry the function name and invocation id. */
export function createInvocationContext(
  registration: FunctionRegistration,
  input: InvocationContextInput,
  log: LogSink,
): InvocationContext {
  const invocationId = input.invocationId ?? randomUUID();
  return new functions.InvocationContext({
    invocationId,
    functionName: registration.name,
    triggerMetadata: input.triggerMetadata,
    retryContext: input.retryContext,
    options: toEffectiveFunctionOptions(registration.bindings),
    logHandler: (level, ...args) => {
      const label = level === 'information' ? '' : `${level}: `;
      log(timestamped(`[${registration.name}] [${invocationId}] ${label}${format(...args)}`));
    },
  });
}

/** An invocation that ran past host.json `functionTimeout`; the host fails it with this message. */
class FunctionTimeoutError extends Error {
  override name = 'FunctionTimeoutError';
}

/**
 * Runs the handler between the app's hooks, as the worker does, and fails the invocation once it
 * runs past `timeoutMs` (host.json `functionTimeout`), as the host does. JavaScript cannot be
 * stopped from outside: the handler runs on, but its result and outputs are discarded.
 */
export async function runFunction(
  registration: FunctionRegistration,
  context: InvocationContext,
  triggerValue: unknown,
  timeoutMs: number | undefined,
): Promise<unknown> {
  const running = withInvocationHooks(context, registration.handler, triggerValue);
  if (timeoutMs === undefined) return running;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new FunctionTimeoutError(
            `Timeout value of ${formatTimeSpan(timeoutMs)} exceeded by function 'Functions.${registration.name}' (Id: '${context.invocationId}'). Initiating cancellation.`,
          ),
        ),
      timeoutMs,
    );
  });
  running.catch(() => undefined); // settles unobserved once cut off
  try {
    return await Promise.race([running, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

export interface Invocation extends InvocationContextInput {
  triggerValue: unknown;
  /** Why it runs, for the "Executing" line (e.g. "New queue message detected on 'jobs'"). */
  reason: string;
}

export interface InvokerDependencies {
  log: LogSink;
  /** host.json `functionTimeout`; none means no limit. */
  functionTimeoutMs?: number;
  queueOutput: QueueOutput;
  /** The value for `durableClient` inputs; absent when the app has no Durable functions. */
  durableClientInput?: () => unknown;
}

export class Invoker {
  constructor(private readonly dependencies: InvokerDependencies) {}

  /** Runs the handler and writes its outputs; resolves to the handler's result (the HTTP response for HTTP triggers). */
  async invoke(registration: FunctionRegistration, invocation: Invocation): Promise<unknown> {
    const { log } = this.dependencies;
    const context = createInvocationContext(registration, invocation, log);
    for (const input of context.options.extraInputs) {
      if (input.type.toLowerCase() === 'durableclient') context.extraInputs.set(input.name, this.dependencies.durableClientInput?.());
    }

    const started = performance.now();
    log(timestamped(`Executing 'Functions.${registration.name}' (Reason='${invocation.reason}', Id=${context.invocationId})`));
    try {
      const result = await runFunction(registration, context, invocation.triggerValue, this.dependencies.functionTimeoutMs);
      await this.writeOutputs(registration, context, result);
      log(
        timestamped(
          `Executed 'Functions.${registration.name}' (Succeeded, Id=${context.invocationId}, Duration=${Math.round(performance.now() - started)}ms)`,
        ),
      );
      return result;
    } catch (error) {
      log(
        timestamped(
          `Executed 'Functions.${registration.name}' (Failed, Id=${context.invocationId}, Duration=${Math.round(performance.now() - started)}ms)`,
        ),
      );
      log(timestamped(`[${registration.name}] [${context.invocationId}] error: ${describeError(error)}`));
      throw error;
    }
  }

  private async writeOutputs(registration: FunctionRegistration, context: InvocationContext, result: unknown): Promise<void> {
    const triggerName = triggerOf(registration).name;
    for (const [name, binding] of Object.entries(registration.bindings)) {
      if (name === triggerName || binding.direction !== 'out' || binding.type.toLowerCase() !== 'queue') continue;
      const value = name === RETURN_BINDING ? result : context.extraOutputs.get(name);
      if (value !== undefined && value !== null) await this.dependencies.queueOutput.write(binding, value);
    }
  }
}
