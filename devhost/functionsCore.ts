import Module from 'node:module';

/**
 * The stand-in for `@azure/functions-core`, the module the Azure Functions Node worker injects into
 * `require`. `@azure/functions` hands every `app.*` / `df.app.*` registration to its
 * `registerFunction(metadata, handler)`; recording those calls gives the devhost exactly the binding
 * metadata the real host receives. Without it the library falls back to "test mode" and drops them.
 */

export interface BindingMetadata {
  type: string;
  direction: 'in' | 'out' | 'inout';
  [setting: string]: unknown;
}

export interface FunctionRegistration {
  name: string;
  /** Keyed by binding name; the trigger is the one binding whose type ends in `Trigger`. */
  bindings: Record<string, BindingMetadata>;
  retryOptions?: unknown;
  /** The user's handler: (triggerValue, InvocationContext) => result, as the host calls it. */
  handler: (triggerValue: unknown, context: unknown) => unknown;
}

/** What the library hands `setProgrammingModel`: the worker asks it for the app's capabilities after loading. */
interface ProgrammingModel {
  name: string;
  version: string;
  getCapabilities?(workerCapabilities: Record<string, string>): Promise<Record<string, string>> | Record<string, string>;
}

export type HookName = 'appStart' | 'appTerminate' | 'preInvocation' | 'postInvocation';
/** A hook as registered: called with the worker's hook context object, which the library wraps. */
export type HookCallback = (context: Record<string, unknown>) => unknown;

const HOOK_NAMES: readonly string[] = ['appStart', 'appTerminate', 'preInvocation', 'postInvocation'];

const registrations: FunctionRegistration[] = [];
const hooks = new Map<HookName, HookCallback[]>(HOOK_NAMES.map((name) => [name as HookName, []]));
let programmingModel: ProgrammingModel | undefined;

const functionsCore = {
  version: '3.10.1',
  get hostVersion() {
    return '4.1040.0';
  },
  registerFunction(
    metadata: { name: string; bindings: Record<string, BindingMetadata>; retryOptions?: unknown },
    handler: FunctionRegistration['handler'],
  ) {
    if (registrations.some((r) => r.name === metadata.name)) {
      throw new Error(`A function named "${metadata.name}" is already registered.`);
    }
    registrations.push({ name: metadata.name, bindings: metadata.bindings, retryOptions: metadata.retryOptions, handler });
    return {
      dispose: () =>
        registrations.splice(
          registrations.findIndex((r) => r.name === metadata.name),
          1,
        ),
    };
  },
  setProgrammingModel(model: ProgrammingModel) {
    programmingModel = model;
  },
  getProgrammingModel() {
    return programmingModel;
  },
  registerHook(hookName: string, callback: HookCallback) {
    // The worker runs these four; `log` hooks (and any other) would be silently dropped, so they are refused.
    const list = hooks.get(hookName as HookName);
    if (!list) throw new RangeError(`The devhost does not run "${hookName}" hooks (it runs ${HOOK_NAMES.join(', ')}).`);
    list.push(callback);
    return new functionsCore.Disposable(() => {
      const index = list.indexOf(callback);
      if (index !== -1) list.splice(index, 1);
    });
  },
  log(level: string, category: string, message: string) {
    if (level === 'error' || level === 'critical') console.error(`[functions:${category}] ${message}`);
  },
  Disposable: class {
    constructor(private readonly callOnDispose: () => void) {}
    dispose() {
      this.callOnDispose();
    }
  },
};

let installed = false;

/** Makes `require('@azure/functions-core')` resolve to the recorder. Idempotent. */
export function installFunctionsCore(): void {
  if (installed) return;
  installed = true;
  const originalRequire = Module.prototype.require;
  Module.prototype.require = function requireWithFunctionsCore(this: NodeJS.Module, id: string) {
    if (id === '@azure/functions-core') return functionsCore;
    return originalRequire.call(this, id);
  } as typeof Module.prototype.require;
}

/** Everything registered so far, in registration order. */
export function getRegistrations(): readonly FunctionRegistration[] {
  return registrations;
}

/** The hooks of one kind, in registration order (the order the worker runs them in). */
export function getHooks(hookName: HookName): readonly HookCallback[] {
  return hooks.get(hookName)!;
}

let capabilities: Promise<Record<string, string>> | undefined;

/**
 * What the worker reports to the host after loading the app (getWorkerCapabilities): the library's
 * answer to `getCapabilities`, asked once per process. Asking locks `app.setup`, as on Azure; with
 * `enableHttpStream` the library starts its HTTP proxy and answers with its `HttpUri`.
 */
export function workerCapabilities(): Promise<Record<string, string>> {
  capabilities ??= Promise.resolve(programmingModel?.getCapabilities?.({}) ?? {});
  return capabilities;
}
