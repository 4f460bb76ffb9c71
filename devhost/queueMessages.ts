import type { QueueSettings } from './hostSettings.js';

/**
 * Queue message text as the host writes and reads it: output values serialised like the Node worker
 * hands them over (strings as they are, bytes raw, anything else as JSON), then base64 unless
 * host.json sets `messageEncoding: "none"`.
 */

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function toQueueMessageText(value: unknown, encoding: QueueSettings['messageEncoding']): string {
  const bytes =
    Buffer.isBuffer(value) || value instanceof Uint8Array
      ? Buffer.from(value)
      : Buffer.from(typeof value === 'string' ? value : JSON.stringify(value), 'utf8');
  return encoding === 'base64' ? bytes.toString('base64') : bytes.toString('utf8');
}

/** Decoded message text, or `undefined` when a base64 queue holds something that is not base64 (the host fails those). */
export function fromQueueMessageText(text: string, encoding: QueueSettings['messageEncoding']): string | undefined {
  if (encoding === 'none') return text;
  if (text.length % 4 !== 0 || !BASE64.test(text)) return undefined;
  return Buffer.from(text, 'base64').toString('utf8');
}

/** What the Node worker gives a handler for a string payload: parsed JSON when it parses, else the string. */
export function toTriggerValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
