import { Readable } from 'node:stream';
import type { CutoutQuality } from './pipelineContract.js';

/**
 * The client of the background-removal service (FastAPI in production, `remover/` locally):
 * `POST {REMOVER_URL}` with `{ image_url }` → 200 `image/png`, optional `X-Quality`.
 */

/** 5xx, 408, 429, time-outs and network failures: worth another try. */
export class TransientRemoverError extends Error {
  override name = 'TransientRemoverError';
}

/** Any other answer: retrying cannot help. */
export class PermanentRemoverError extends Error {
  override name = 'PermanentRemoverError';
}

export interface RequestCutoutOptions {
  removerUrl: string;
  /** A read-only SAS link of the original. */
  imageUrl: string;
  timeoutMs: number;
}

export interface Cutout {
  png: Readable;
  quality?: CutoutQuality;
}

const QUALITIES = new Set<string>(['excellent', 'good', 'fair']);

export async function requestCutout(options: RequestCutoutOptions): Promise<Cutout> {
  let response: Response;
  try {
    response = await fetch(options.removerUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'image/png' },
      body: JSON.stringify({ image_url: options.imageUrl }),
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (cause) {
    throw new TransientRemoverError(`The background-removal service did not answer: ${describe(cause)}`, { cause });
  }
  if (!response.ok) {
    // The reply goes to the logs: a service that echoes the request must not leak the link's signature.
    const detail = redactSignatures(await response.text().catch(() => '')).slice(0, 300);
    const message = `The background-removal service answered ${response.status}${detail ? `: ${detail}` : ''}`;
    if (response.status >= 500 || response.status === 408 || response.status === 429) throw new TransientRemoverError(message);
    throw new PermanentRemoverError(message);
  }
  const contentType = response.headers.get('content-type') ?? '';
  if (!contentType.startsWith('image/png') || !response.body) {
    await response.body?.cancel();
    throw new PermanentRemoverError(`The background-removal service answered with ${contentType || 'no content type'}, not image/png.`);
  }
  const quality = response.headers.get('x-quality')?.toLowerCase();
  return {
    png: Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>),
    quality: quality && QUALITIES.has(quality) ? (quality as CutoutQuality) : undefined,
  };
}

function redactSignatures(text: string): string {
  return text.replace(/([?&]sig=)[^&"'\s]+/gi, '$1REDACTED');
}

function describe(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') return 'timed out';
  return error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
}
