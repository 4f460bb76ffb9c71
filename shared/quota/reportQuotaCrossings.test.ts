import { describe, expect, it } from 'vitest';
import { crossedThresholds, reportQuotaCrossings, quotaCrossings } from './reportQuotaCrossings.js';

describe('quota crossings', () => {
  it('finds 80 % and 100 % only when usage goes from below to at or above them', () => {
    expect(crossedThresholds({ before: 70, after: 79, max: 100 })).toEqual([]);
    expect(crossedThresholds({ before: 79, after: 80, max: 100 })).toEqual([80]);
    expect(crossedThresholds({ before: 79, after: 100, max: 100 })).toEqual([80, 100]);
    expect(crossedThresholds({ before: 80, after: 99, max: 100 })).toEqual([]);
    expect(crossedThresholds({ before: 99, after: 120, max: 100 })).toEqual([100]);
    expect(crossedThresholds({ before: 100, after: 150, max: 100 })).toEqual([]);
    expect(crossedThresholds({ before: 100, after: 50, max: 100 })).toEqual([]);
    expect(crossedThresholds({ before: 0, after: 5, max: 0 })).toEqual([]);
  });

  it('logs quota_warning for each crossing and quota_reached for the limit itself', () => {
    const events: [string, Record<string, unknown>][] = [];
    const crossings = quotaCrossings({ userId: 'u', limit: 'storage', before: 700, after: 1000, max: 1000 });
    reportQuotaCrossings((event, fields) => events.push([event, fields]), crossings);
    expect(events).toEqual([
      ['quota_warning', { userId: 'u', limit: 'storage', percent: 80, used: 1000, max: 1000 }],
      ['quota_warning', { userId: 'u', limit: 'storage', percent: 100, used: 1000, max: 1000 }],
      ['quota_reached', { userId: 'u', limit: 'storage', percent: 100, used: 1000, max: 1000 }],
    ]);
  });
});
