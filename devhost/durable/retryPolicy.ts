import { OrchestratorProtocolError } from './errors.js';
import type { RetryOptionsJson } from './orchestratorState.js';

/** DurableTask.Core's RetryOptions defaults as the extension sets them (MaxRetryInterval 6 days). */
const DEFAULT_MAX_RETRY_INTERVAL_MS = 6 * 24 * 3600_000;

export interface RetryPolicy {
  firstRetryIntervalMs: number;
  maxNumberOfAttempts: number;
  backoffCoefficient: number;
  maxRetryIntervalMs: number;
  retryTimeoutMs: number | undefined;
}

/** The extension's RetryOptionsConverter: the first two are required, the rest keep DurableTask.Core's defaults. */
export function toRetryPolicy(json: RetryOptionsJson | undefined): RetryPolicy {
  if (!json || typeof json.firstRetryIntervalInMilliseconds !== 'number' || typeof json.maxNumberOfAttempts !== 'number') {
    throw new OrchestratorProtocolError('Invalid JSON. Must contain fields firstRetryIntervalInMilliseconds and maxNumberOfAttempts.');
  }
  return {
    firstRetryIntervalMs: json.firstRetryIntervalInMilliseconds,
    maxNumberOfAttempts: json.maxNumberOfAttempts,
    backoffCoefficient: json.backoffCoefficient ?? 1,
    maxRetryIntervalMs: json.maxRetryIntervalInMilliseconds ?? DEFAULT_MAX_RETRY_INTERVAL_MS,
    retryTimeoutMs: json.retryTimeoutInMilliseconds,
  };
}

/** RetryInterceptor.ComputeNextDelay: 0 means "stop retrying". */
export function nextRetryDelayMs(policy: RetryPolicy, attempt: number, firstAttemptMs: number, nowMs: number): number {
  const expiresAtMs = policy.retryTimeoutMs === undefined ? Number.POSITIVE_INFINITY : firstAttemptMs + policy.retryTimeoutMs;
  if (!(nowMs < expiresAtMs)) return 0;
  const delayMs = policy.firstRetryIntervalMs * Math.pow(policy.backoffCoefficient, attempt);
  return delayMs < policy.maxRetryIntervalMs ? delayMs : policy.maxRetryIntervalMs;
}
