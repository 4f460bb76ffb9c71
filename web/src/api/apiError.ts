/** One field that failed validation, as `details` of an `invalid_request` lists them. */
export interface FieldProblem {
  field: string;
  message: string;
}

/**
 * A failed API call, from the docs/api.md error body `{ error: { code, message, details? } }` when the
 * server sent one, or from what the browser saw otherwise (status 0: the request never got an answer).
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The fields named in `details`, when the server listed them. */
  get fieldProblems(): FieldProblem[] {
    if (!Array.isArray(this.details)) return [];
    return this.details.filter((entry): entry is FieldProblem => typeof entry?.field === 'string' && typeof entry?.message === 'string');
  }

  /** The message for a person: the server's message, each failing field, and when to try again. */
  describe(): string {
    const parts = [this.message];
    for (const problem of this.fieldProblems) parts.push(`${problem.field}: ${problem.message}`);
    if (this.retryAfterSeconds !== undefined) parts.push(`Try again in ${this.retryAfterSeconds} s.`);
    return parts.join(' — ');
  }

  static async fromResponse(response: Response): Promise<ApiError> {
    const retryAfter = Number(response.headers.get('retry-after'));
    const retryAfterSeconds = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined;
    const body: unknown = await response.json().catch(() => undefined);
    const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
    if (error && typeof error.code === 'string' && typeof error.message === 'string') {
      return new ApiError(response.status, error.code, error.message, error.details, retryAfterSeconds);
    }
    const reason = response.statusText ? `${response.status} ${response.statusText}` : String(response.status);
    return new ApiError(
      response.status,
      `http_${response.status}`,
      `The server answered ${reason} without an explanation.`,
      undefined,
      retryAfterSeconds,
    );
  }

  static unreachable(cause: unknown): ApiError {
    const detail = cause instanceof Error ? ` (${cause.message})` : '';
    return new ApiError(0, 'network_error', `The API could not be reached${detail}. Check that it is running and try again.`);
  }
}

/** The message to show for anything a call threw. */
export function describeFailure(error: unknown): string {
  if (error instanceof ApiError) return error.describe();
  return error instanceof Error ? error.message : String(error);
}
