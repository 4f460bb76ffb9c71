import http from 'node:http';
import https from 'node:https';
import { checkReceiverUrl, guardedLookup, ReceiverRefused, type ReceiverPolicy } from './receiverAddress.js';

/** One attempt's result: the receiver's status, or why there was none. */
export type ReceiverAnswer = { statusCode: number } | { error: string; refused: boolean };

/** The longest a receiver may take to answer, headers and body. */
export const DELIVERY_TIMEOUT_MS = 10_000;
/** What is read of a receiver's reply (it is not kept): enough to finish the exchange politely. */
const MAX_REPLY_BYTES = 64 * 1024;

/**
 * POSTs one signed delivery. Redirects are not followed (a 3xx is the answer); the connection goes
 * only to addresses the receiver policy allows; the whole exchange ends after 10 s.
 */
export function postToReceiver(
  target: string,
  body: string,
  headers: Record<string, string>,
  policy: ReceiverPolicy,
  timeoutMs = DELIVERY_TIMEOUT_MS,
): Promise<ReceiverAnswer> {
  let url: URL;
  try {
    url = new URL(target);
    checkReceiverUrl(url, policy);
  } catch (error) {
    return Promise.resolve({ error: error instanceof Error ? error.message : String(error), refused: true });
  }
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    const request = transport.request(
      url,
      {
        method: 'POST',
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'user-agent': 'detour-webhooks/1',
        },
        lookup: guardedLookup(policy),
        signal: AbortSignal.timeout(timeoutMs),
        agent: false,
      },
      (response) => {
        let read = 0;
        response.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > MAX_REPLY_BYTES) response.destroy();
        });
        const done = () => resolve({ statusCode: response.statusCode ?? 0 });
        response.on('end', done);
        response.on('close', done);
        response.on('error', done);
      },
    );
    request.on('error', (error) => {
      const refused = error instanceof ReceiverRefused;
      const reason =
        error.name === 'AbortError' || error.name === 'TimeoutError' ? `no answer within ${timeoutMs / 1000} s` : error.message;
      resolve({ error: reason.slice(0, 500), refused });
    });
    request.end(body);
  });
}
