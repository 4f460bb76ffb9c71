/**
 * The one error type of detour. Domain code throws an `AppError` with a code from this list; the HTTP
 * edge maps the code to a status in one place (`shared/http/toErrorResponse.ts`) and keeps the original
 * error as `cause` for the logs. Nothing below the edge knows about HTTP.
 */

export const ERROR_CODES = [
  'invalid_request',
  'unauthorized',
  'insufficient_scope',
  'quota_exceeded',
  'not_found',
  'conflict',
  'export_in_progress',
  'payload_too_large',
  'unsupported_media_type',
  'rate_limited',
  'password_required',
  'wrong_password',
  'too_many_attempts',
  'access_required',
  'download_not_allowed',
  'service_unavailable',
  'internal_error',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface AppErrorOptions {
  details?: unknown;
  cause?: unknown;
  /** For `rate_limited`: when the caller may try again. */
  retryAfterSeconds?: number;
}

export class AppError extends Error {
  override name = 'AppError';
  readonly code: ErrorCode;
  readonly details?: unknown;
  readonly retryAfterSeconds?: number;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.details = options.details;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** Where errors leave: anything that is not an AppError becomes an internal one, the original kept as cause. */
export function ensureAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  return new AppError('internal_error', 'Something went wrong on our side. Please try again.', { cause: error });
}
