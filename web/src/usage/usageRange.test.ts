import { describe, expect, it } from 'vitest';
import { usageRange } from './usageRange.js';

describe('usageRange', () => {
  it('ends on today’s date in the given time zone and looks back 30 days, 26 weeks or 12 months', () => {
    // 23:30 UTC on 28 March is already 29 March in Berlin.
    const now = new Date('2026-03-28T23:30:00Z');
    expect(usageRange('day', now, 'Europe/Berlin')).toEqual({
      from: '2026-02-28',
      to: '2026-03-29',
      bucket: 'day',
      timeZone: 'Europe/Berlin',
    });
    expect(usageRange('day', now, 'UTC')).toMatchObject({ from: '2026-02-27', to: '2026-03-28' });
    expect(usageRange('week', now, 'UTC')).toMatchObject({ from: '2025-09-28', to: '2026-03-28' });
    expect(usageRange('month', now, 'UTC')).toMatchObject({ from: '2025-04-01', to: '2026-03-28' });
  });
});
