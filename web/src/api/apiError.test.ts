import { describe, expect, it } from 'vitest';
import { ApiError } from './apiError.js';

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers } });

describe('ApiError.fromResponse', () => {
  it('keeps the code, message and field details of a docs/api.md error body', async () => {
    const error = await ApiError.fromResponse(
      json(400, {
        error: {
          code: 'invalid_request',
          message: 'The request body is not valid: see details for each field.',
          details: [{ field: 'tags.0', message: 'a tag has at most 32 characters' }],
        },
      }),
    );
    expect(error).toMatchObject({ status: 400, code: 'invalid_request' });
    expect(error.describe()).toBe('The request body is not valid: see details for each field. — tags.0: a tag has at most 32 characters');
  });

  it('tells when to try again after a rate limit', async () => {
    const error = await ApiError.fromResponse(
      json(429, { error: { code: 'rate_limited', message: 'Too many uploads: at most 30 a minute.' } }, { 'retry-after': '12' }),
    );
    expect(error.describe()).toBe('Too many uploads: at most 30 a minute. — Try again in 12 s.');
  });

  it('explains a reply without an error body by its status', async () => {
    const error = await ApiError.fromResponse(new Response('', { status: 502, statusText: 'Bad Gateway' }));
    expect(error).toMatchObject({ status: 502, code: 'http_502' });
    expect(error.message).toBe('The server answered 502 Bad Gateway without an explanation.');
  });
});
