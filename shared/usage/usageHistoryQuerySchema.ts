import { z } from 'zod';

/** The longest range one request may cover, in days: a year of daily buckets, leap day included. */
const MAX_HISTORY_DAYS = 366;

const DAY_MS = 86_400_000;

/** A calendar date, `2026-03-29`. */
const calendarDate = z.iso.date();

/**
 * An IANA time zone that both the runtime and PostgreSQL know by that name: letters, digits and
 * `/_+-` only (PostgreSQL would read a bare offset such as `+01:00` as POSIX, east and west swapped).
 */
const timeZone = z
  .string()
  .max(64)
  .regex(/^[A-Za-z][A-Za-z0-9_+\-/]*$/, { message: 'An IANA time zone name such as Europe/Berlin.', abort: true })
  .refine((name) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: name });
      return true;
    } catch {
      return false;
    }
  }, 'Unknown time zone.');

/** The query of `GET /api/me/usage/history`. Unknown parameters are refused. */
export const usageHistoryQuerySchema = z
  .strictObject({
    from: calendarDate.meta({ description: 'First day of the range, a date in `timeZone`.' }),
    to: calendarDate.meta({
      description: `Last day of the range (included); a range covers at most ${MAX_HISTORY_DAYS} days.`,
    }),
    bucket: z
      .enum(['day', 'week', 'month'])
      .default('day')
      .meta({ description: 'Bucket size; weeks start on Monday, months on the 1st, both in `timeZone`.' }),
    timeZone: timeZone
      .default('UTC')
      .meta({ description: 'IANA time zone whose calendar the days, weeks and months follow (daylight saving included).' }),
  })
  .refine((query) => query.from <= query.to, { path: ['to'], message: '`to` is before `from`.' })
  .refine((query) => (Date.parse(query.to) - Date.parse(query.from)) / DAY_MS + 1 <= MAX_HISTORY_DAYS, {
    path: ['to'],
    message: `The range is longer than ${MAX_HISTORY_DAYS} days.`,
  });

export type UsageHistoryQuery = z.output<typeof usageHistoryQuerySchema>;
