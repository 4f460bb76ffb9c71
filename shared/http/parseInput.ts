import type { HttpRequest } from '@azure/functions';
import type { z } from 'zod';
import { AppError } from '../errors.js';

/** The failing fields of a zod error, as docs/api.md's `details` of an `invalid_request`. */
function toValidationDetails(error: z.ZodError): { field: string; message: string }[] {
  return error.issues.map((issue) => ({ field: issue.path.join('.') || '(body)', message: issue.message }));
}

/** Validates with the given schema or throws `invalid_request` listing the fields. The one zod way. */
export function validate<Schema extends z.ZodType>(schema: Schema, input: unknown, what: string): z.output<Schema> {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new AppError('invalid_request', `The ${what} is not valid: see details for each field.`, {
      details: toValidationDetails(result.error),
      cause: result.error,
    });
  }
  return result.data;
}

const MAX_JSON_BODY_BYTES = 64 * 1024;

export async function parseJsonBody<Schema extends z.ZodType>(request: HttpRequest, schema: Schema): Promise<z.output<Schema>> {
  const declaredLength = Number(request.headers.get('content-length') ?? 0);
  if (declaredLength > MAX_JSON_BODY_BYTES) {
    throw new AppError('invalid_request', `The request body is larger than ${MAX_JSON_BODY_BYTES} bytes.`);
  }
  const text = await request.text();
  if (text.length > MAX_JSON_BODY_BYTES) {
    throw new AppError('invalid_request', `The request body is larger than ${MAX_JSON_BODY_BYTES} bytes.`);
  }
  let body: unknown;
  try {
    body = text === '' ? {} : JSON.parse(text);
  } catch (cause) {
    throw new AppError('invalid_request', 'The request body is not valid JSON.', { cause });
  }
  return validate(schema, body, 'request body');
}

export function parseQuery<Schema extends z.ZodType>(request: HttpRequest, schema: Schema): z.output<Schema> {
  return validate(schema, Object.fromEntries(request.query.entries()), 'query string');
}

export function parseParams<Schema extends z.ZodType>(request: HttpRequest, schema: Schema): z.output<Schema> {
  return validate(schema, request.params, 'path');
}
