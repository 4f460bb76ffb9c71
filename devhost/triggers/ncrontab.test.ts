import { describe, expect, it } from 'vitest';
import { NcrontabError, parseNcrontab } from './ncrontab.js';

/** Occurrences after a Sunday, 2026-03-01 00:00 UTC. */
function occurrences(expression: string, count: number, timeZone = 'UTC'): string[] {
  const schedule = parseNcrontab(expression, timeZone);
  const found: string[] = [];
  let at = new Date('2026-03-01T00:00:00Z');
  for (let n = 0; n < count; n++) found.push((at = schedule.next(at)).toISOString());
  return found;
}

describe('NCRONTAB schedules, as the timer extension parses them', () => {
  it('takes six fields with seconds first, or five without', () => {
    expect(occurrences('*/20 * * * * *', 2)).toEqual(['2026-03-01T00:00:20.000Z', '2026-03-01T00:00:40.000Z']);
    expect(occurrences('30 9 * * *', 1)).toEqual(['2026-03-01T09:30:00.000Z']);
  });

  it('reads ranges, steps from a value, lists and English names', () => {
    expect(occurrences('0 0 9-17/4 * * Mon-Fri', 3)).toEqual([
      '2026-03-02T09:00:00.000Z',
      '2026-03-02T13:00:00.000Z',
      '2026-03-02T17:00:00.000Z',
    ]);
    expect(occurrences('0 45/10 * * * *', 2)).toEqual(['2026-03-01T00:45:00.000Z', '2026-03-01T00:55:00.000Z']);
    expect(occurrences('0 0 0 1 jan,July *', 2)).toEqual(['2026-07-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z']);
  });

  it('wants both the day of the month and the day of the week when both are given (classic cron takes either)', () => {
    // The 13th that is a Friday: March 2026, then November 2026.
    expect(occurrences('0 0 0 13 * 5', 2)).toEqual(['2026-03-13T00:00:00.000Z', '2026-11-13T00:00:00.000Z']);
  });

  it('computes occurrences in WEBSITE_TIME_ZONE', () => {
    expect(occurrences('0 0 9 * * *', 1, 'Europe/Paris')).toEqual(['2026-03-01T08:00:00.000Z']);
  });

  it.each([
    ['0 0 12 L * *', /"L" is not a valid value of the day of month field/],
    ['0 0 9 * * 1#2', /"1#2" is not a valid value of the day of week field/],
    ['0 0 9 * * 7', /7 is outside 0-6 in the day of week field/],
    ['0 0 25 * * *', /25 is outside 0-23 in the hour field/],
    ['* * * *', /has 4 fields/],
    ['0 10-5 * * * *', /ends before it starts/],
    ['0 */0 * * * *', /step .* at least 1/],
  ])('refuses "%s"', (expression, message) => {
    expect(() => parseNcrontab(expression, 'UTC')).toThrow(NcrontabError);
    expect(() => parseNcrontab(expression, 'UTC')).toThrow(message);
  });
});
