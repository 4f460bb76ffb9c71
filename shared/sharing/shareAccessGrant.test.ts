import { describe, expect, it } from 'vitest';
import { isValidShareGrant, signShareGrant } from './shareAccessGrant.js';

const SECRET = 'grant-test-secret';
const NOW = new Date('2026-05-01T12:00:00Z');
const LINK_END = new Date('2026-05-02T12:00:00Z');

describe('share access grants', () => {
  const grant = signShareGrant(SECRET, 'link-a', 'view', 900, LINK_END, NOW);

  it('open the link and kind they were made for, until they expire', () => {
    expect(grant.expiresAt).toEqual(new Date('2026-05-01T12:15:00Z'));
    expect(isValidShareGrant(SECRET, 'link-a', 'view', grant.value, NOW)).toBe(true);
    expect(isValidShareGrant(SECRET, 'link-a', 'view', grant.value, new Date('2026-05-01T12:14:59Z'))).toBe(true);
    expect(isValidShareGrant(SECRET, 'link-a', 'view', grant.value, grant.expiresAt)).toBe(false);
  });

  it('open nothing else: another link, another kind, another secret, an edited expiry, garbage', () => {
    expect(isValidShareGrant(SECRET, 'link-b', 'view', grant.value, NOW)).toBe(false);
    expect(isValidShareGrant(SECRET, 'link-a', 'unlock', grant.value, NOW)).toBe(false);
    expect(isValidShareGrant('another-secret', 'link-a', 'view', grant.value, NOW)).toBe(false);
    const [expiry, signature] = grant.value.split('.');
    expect(isValidShareGrant(SECRET, 'link-a', 'view', `${Number(expiry) + 3600}.${signature}`, NOW)).toBe(false);
    for (const value of [undefined, '', '.', 'abc.def', `${expiry}.`, `${grant.value}.x`, `-1.${signature}`]) {
      expect(isValidShareGrant(SECRET, 'link-a', 'view', value, NOW), String(value)).toBe(false);
    }
  });

  it('never outlive the link, and name no link', () => {
    const late = signShareGrant(SECRET, 'link-a', 'unlock', 3600, new Date('2026-05-01T12:10:00Z'), NOW);
    expect(late.expiresAt).toEqual(new Date('2026-05-01T12:10:00Z'));
    expect(grant.value).not.toContain('link-a');
  });
});
