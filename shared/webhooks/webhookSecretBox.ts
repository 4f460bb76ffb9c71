import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * A webhook's signing secret must be readable by the server (it signs every delivery), so it cannot be
 * hashed like an API key. It is stored encrypted with AES-256-GCM under `WEBHOOK_SECRET_KEY`: a copy of
 * the table alone signs nothing. Stored as `v1.<iv>.<tag>.<ciphertext>` (base64url).
 */
const VERSION = 'v1';

export function sealWebhookSecret(secret: string, key: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return [VERSION, iv, cipher.getAuthTag(), ciphertext]
    .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
    .join('.');
}

export function openWebhookSecret(sealed: string, key: Buffer): string {
  const [version, iv, tag, ciphertext] = sealed.split('.');
  if (version !== VERSION || !iv || !tag || ciphertext === undefined) throw new Error('A stored webhook secret is not in the v1 format.');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
}

/** A new signing secret: `whsec_` and 256 random bits. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}
