import type { HttpResponseInit } from '@azure/functions';
import type { AppError, ErrorCode } from '../errors.js';

/** The one place that maps error codes to HTTP statuses (the table of docs/api.md). */
const STATUS_BY_ERROR_CODE: Record<ErrorCode, number> = {
  invalid_request: 400,
  unauthorized: 401,
  insufficient_scope: 403,
  quota_exceeded: 403,
  not_found: 404,
  conflict: 409,
  export_in_progress: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  password_required: 403,
  wrong_password: 403,
  too_many_attempts: 429,
  access_required: 403,
  download_not_allowed: 403,
  internal_error: 500,
  service_unavailable: 503,
};

/** The docs/api.md error body for an AppError; never includes the cause (stack, SQL, keys); never cached. */
export function toErrorResponse(error: AppError): HttpResponseInit {
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };
  if (error.code === 'unauthorized') headers['www-authenticate'] = 'Bearer';
  if (error.code === 'insufficient_scope') {
    // RFC 6750: the scope the request lacked, when there is one (a session-only route has none).
    const scope = (error.details as { requiredScope?: string | null } | undefined)?.requiredScope;
    headers['www-authenticate'] = `Bearer error="insufficient_scope"${scope ? `, scope="${scope}"` : ''}`;
  }
  if (error.retryAfterSeconds !== undefined) headers['retry-after'] = String(Math.max(1, Math.ceil(error.retryAfterSeconds)));
  const body: { code: ErrorCode; message: string; details?: unknown } = { code: error.code, message: error.message };
  if (error.details !== undefined) body.details = error.details;
  return { status: STATUS_BY_ERROR_CODE[error.code], headers, jsonBody: { error: body } };
}
