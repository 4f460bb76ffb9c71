import { scryptSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashSharePassword, verifySharePassword } from './sharePassword.js';

describe('share passwords', () => {
  it('are stored as scrypt with their parameters and a fresh salt, and only the right one verifies', async () => {
    const first = await hashSharePassword('correct horse');
    const second = await hashSharePassword('correct horse');
    expect(first).toMatch(/^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(second).not.toBe(first);
    expect(await verifySharePassword(first, 'correct horse')).toBe(true);
    expect(await verifySharePassword(first, 'correct horse ')).toBe(false);
    expect(await verifySharePassword(first, 'Correct horse')).toBe(false);
  });

  it('verify with the parameters stored in the hash', async () => {
    const [, , , , salt] = (await hashSharePassword('x')).split('$');
    const weaker = `scrypt$1024$8$1$${salt}$${scryptSync('old one', Buffer.from(salt!, 'base64url'), 32, { N: 1024, r: 8, p: 1 }).toString('base64url')}`;
    expect(await verifySharePassword(weaker, 'old one')).toBe(true);
  });

  it('refuse every password when there is no hash (an unknown link), after the same work', async () => {
    expect(await verifySharePassword(null, 'correct horse')).toBe(false);
    expect(await verifySharePassword(null, '')).toBe(false);
  });
});
