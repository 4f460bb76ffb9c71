import type { HttpResponseInit } from '@azure/functions';

/** A JSON reply with the docs/api.md content type. */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponseInit {
  return {
    status,
    jsonBody: body,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
  };
}
