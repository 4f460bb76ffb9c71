import type { InvocationContext } from '@azure/functions';
import { getHooks, type HookName } from './functionsCore.js';

/**
 * `app.hook.*` as the Node worker runs them (azure-functions-nodejs-worker: startApp.ts,
 * InvocationHandler.ts, terminateWorker.ts): one after another in registration order, each awaited; a
 * hook that throws fails what it wraps (the app's start, the invocation). `appHookData` is one object
 * for the app's life, `hookData` one per invocation, shared by its pre- and post-invocation hooks.
 */

const appHookData: Record<string, unknown> = {};
/** The `hookData` of appStart and appTerminate: the worker keeps it for the app's life too. */
const appLevelOnlyHookData: Record<string, unknown> = {};

function readOnly(name: string): never {
  throw new Error(`Cannot assign to read only property '${name}'`);
}

/** The worker's hook context: hookData and appHookData readable, never replaceable. */
function hookContext(hookData: Record<string, unknown>, fields: Record<string, unknown>): Record<string, unknown> {
  const context: Record<string, unknown> = { ...fields };
  Object.defineProperties(context, {
    hookData: { get: () => hookData, set: () => readOnly('hookData'), enumerable: true },
    appHookData: { get: () => appHookData, set: () => readOnly('appHookData'), enumerable: true },
  });
  return context;
}

async function runHooks(name: HookName, context: Record<string, unknown>): Promise<void> {
  for (const hook of [...getHooks(name)]) await hook(context);
}

/** After the entry files are loaded, before the host starts its listeners. */
export function runAppStartHooks(functionAppDirectory: string): Promise<void> {
  return runHooks('appStart', hookContext(appLevelOnlyHookData, { functionAppDirectory }));
}

/** When the host stops, before the process would exit. */
export function runAppTerminateHooks(): Promise<void> {
  return runHooks('appTerminate', hookContext(appLevelOnlyHookData, {}));
}

export type FunctionHandler = (triggerValue: unknown, context: InvocationContext) => unknown;

/**
 * One invocation between its hooks: preInvocation may replace the inputs and the handler,
 * postInvocation sees the result or the error and may replace either.
 */
export async function withInvocationHooks(
  invocationContext: InvocationContext,
  handler: FunctionHandler,
  triggerValue: unknown,
): Promise<unknown> {
  const hookData: Record<string, unknown> = {};
  const pre = hookContext(hookData, { functionCallback: handler, inputs: [triggerValue] });
  Object.defineProperty(pre, 'invocationContext', { get: () => invocationContext, set: () => readOnly('invocationContext') });
  await runHooks('preInvocation', pre);

  const inputs = pre.inputs as unknown[];
  const callback = pre.functionCallback as (...args: unknown[]) => unknown;
  const post = hookContext(hookData, { inputs, result: null, error: null });
  Object.defineProperty(post, 'invocationContext', { get: () => invocationContext, set: () => readOnly('invocationContext') });
  try {
    post.result = await callback(...inputs, invocationContext);
  } catch (error) {
    post.error = error;
  }
  await runHooks('postInvocation', post);
  // The worker's isError: anything but null and undefined, so a hook that clears the error rescues the call.
  // eslint-disable-next-line @typescript-eslint/only-throw-error -- rethrows whatever the function threw, as the worker does
  if (post.error !== null && post.error !== undefined) throw post.error;
  return post.result;
}
