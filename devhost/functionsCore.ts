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

const registrations: FunctionRegistration[] = [];

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
  setProgrammingModel() {
    // The devhost calls handlers directly with the library's public HttpRequest / InvocationContext.
  },
  getProgrammingModel() {
    return undefined;
  },
  registerHook() {
    return { dispose() {} };
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
