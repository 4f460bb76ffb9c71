import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newWebhookSecret, openWebhookSecret, sealWebhookSecret } from './webhookSecretBox.js';
import { webhookSignature } from './webhookSignature.js';

describe('webhook secrets and signatures', () => {
  it('seals a secret so that only the key opens it, and detects tampering', () => {
    const key = randomBytes(32);
    const secret = newWebhookSecret();
    const sealed = sealWebhookSecret(secret, key);
    expect(sealed).not.toContain(secret.slice(6));
    expect(openWebhookSecret(sealed, key)).toBe(secret);
    expect(() => openWebhookSecret(sealed, randomBytes(32))).toThrow();
    const parts = sealed.split('.');
    parts[3] = Buffer.from('x'.repeat(10)).toString('base64url');
    expect(() => openWebhookSecret(parts.join('.'), key)).toThrow();
  });

  it('signs "<t>.<body>" with HMAC-SHA256 as docs/webhooks.md says', () => {
    const body = '{"id":"1","type":"webhook.test"}';
    const expected = createHmac('sha256', 'whsec_test').update(`1700000000.${body}`).digest('hex');
    expect(webhookSignature('whsec_test', body, 1_700_000_000)).toBe(`t=1700000000,v1=${expected}`);
  });
});
