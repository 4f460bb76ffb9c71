import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PermanentRemoverError, requestCutout } from './requestCutout.js';

/** A service that refuses every image and echoes the request in its reply, as validation errors often do. */
describe('requestCutout on a refusal', () => {
  let url: string;
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      response.writeHead(422, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: 'unprocessable', input: JSON.parse(body) }));
    });
  });
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/remove-background`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('is permanent, keeps the reply for the logs, and never carries the link’s signature', async () => {
    const imageUrl = 'https://store.example/originals/u/i_original.jpg?sv=2025-01-05&se=2026-01-01&sp=r&sig=SeCrEt%2Bsig%3D';
    const error = await requestCutout({ removerUrl: url, imageUrl, timeoutMs: 10_000 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PermanentRemoverError);
    expect((error as Error).message).toMatch(/^The background-removal service answered 422: \{"error":"unprocessable"/);
    expect((error as Error).message).toContain('sig=REDACTED');
    expect((error as Error).message).not.toContain('SeCrEt');
  });
});
