import { describe, expect, it } from 'vitest';
import { crossedThresholds } from './reportQuotaCrossings.js';

describe('crossedThresholds', () => {
  it('reports 90 % and 100 % only when usage goes across them', () => {
    expect(crossedThresholds({ before: 80, after: 89, max: 100 })).toEqual([]);
    expect(crossedThresholds({ before: 89, after: 90, max: 100 })).toEqual([90]);
    expect(crossedThresholds({ before: 89, after: 100, max: 100 })).toEqual([90, 100]);
    expect(crossedThresholds({ before: 90, after: 99, max: 100 })).toEqual([]);
    expect(crossedThresholds({ before: 99, after: 120, max: 100 })).toEqual([100]);
    expect(crossedThresholds({ before: 100, after: 50, max: 100 })).toEqual([]);
    expect(crossedThresholds({ before: 0, after: 5, max: 0 })).toEqual([]);
  });
});
