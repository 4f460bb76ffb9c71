import { describe, expect, it } from 'vitest';
import { daysLeftLabel } from './daysLeft.js';

describe('daysLeftLabel', () => {
  const now = new Date('2026-03-01T12:00:00Z');

  it('counts whole days left, rounded up', () => {
    expect(daysLeftLabel('2026-03-31T11:59:59Z', now)).toBe('30 days left');
    expect(daysLeftLabel('2026-03-31T12:00:00Z', now)).toBe('30 days left');
    expect(daysLeftLabel('2026-03-31T12:00:01Z', now)).toBe('31 days left');
    expect(daysLeftLabel('2026-03-02T11:00:00Z', now)).toBe('1 day left');
  });

  it('says the image is about to go once its date is reached', () => {
    expect(daysLeftLabel('2026-03-01T12:00:00Z', now)).toBe('Deleted for good soon');
    expect(daysLeftLabel('2026-02-27T00:00:00Z', now)).toBe('Deleted for good soon');
  });
});
