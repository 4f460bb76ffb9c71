import { CronExpressionParser } from 'cron-parser';

/**
 * Timer schedules as the host reads them: NCrontab (the timer extension's CronSchedule), six fields
 * with seconds first or five without. NCrontab knows `*`, values, `a-b` ranges, `/n` steps, `,` lists
 * and English month and day names; nothing else (no `?`, `L`, `W`, `#`, `@daily`, no day 7), so those
 * are refused here as the host refuses them. It also differs from classic cron when both the day of
 * the month and the day of the week are restricted: an occurrence must match both (classic cron: either).
 * cron-parser computes the occurrences (time zones, DST); the day-of-week condition is applied on top.
 */

interface Field {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const FIELDS: readonly Field[] = [
  { name: 'second', min: 0, max: 59 },
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS },
  { name: 'day of week', min: 0, max: 6, names: DAYS },
];

export class NcrontabError extends Error {
  override name = 'NcrontabError';
}

function parseValue(text: string, field: Field): number {
  if (/^\d+$/.test(text)) {
    const value = Number(text);
    if (value < field.min || value > field.max)
      throw new NcrontabError(`${text} is outside ${field.min}-${field.max} in the ${field.name} field`);
    return value;
  }
  // A name: its three-letter abbreviation or the whole word, any case.
  const index = field.names?.findIndex(
    (name) => text.length >= 3 && name.startsWith(text.toLowerCase()) && (text.length === 3 || name === text.toLowerCase()),
  );
  if (index === undefined || index === -1) throw new NcrontabError(`"${text}" is not a valid value of the ${field.name} field`);
  return field.min + index;
}

/** The field's values, or undefined for a bare `*` (unrestricted). */
function parseField(text: string, field: Field): Set<number> | undefined {
  if (text === '*') return undefined;
  const values = new Set<number>();
  for (const item of text.split(',')) {
    const match = /^([^/-]+)(?:-([^/]+))?(?:\/(\d+))?$/.exec(item);
    if (!match) throw new NcrontabError(`"${item}" is not a value, range or step of the ${field.name} field`);
    const [, start, end, stepText] = match;
    const step = stepText === undefined ? 1 : Number(stepText);
    if (step < 1) throw new NcrontabError(`the step in "${item}" must be at least 1`);
    const first = start === '*' ? field.min : parseValue(start!, field);
    if (start === '*' && end !== undefined) throw new NcrontabError(`"${item}" is not a value, range or step of the ${field.name} field`);
    // `a/n` runs from a to the end of the field, as `*/n` runs over all of it.
    const last = end !== undefined ? parseValue(end, field) : start === '*' || stepText !== undefined ? field.max : first;
    if (last < first) throw new NcrontabError(`the range "${item}" ends before it starts`);
    for (let value = first; value <= last; value += step) values.add(value);
  }
  return values;
}

export interface NcrontabSchedule {
  /** The first occurrence strictly after `after`. */
  next(after: Date): Date;
}

export function parseNcrontab(expression: string, timeZone: string): NcrontabSchedule {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5 && parts.length !== 6) {
    throw new NcrontabError(`"${expression}" has ${parts.length} fields; NCrontab takes six (seconds first) or five`);
  }
  const fields = parts.length === 6 ? FIELDS : FIELDS.slice(1);
  const sets = parts.map((part, index) => parseField(part, fields[index]!));
  const days = sets.at(-3);
  const weekdays = sets.at(-1);
  const numeric = sets.map((set) => (set === undefined ? '*' : [...set].join(',')));
  // Both days restricted: cron-parser is told only the day of the month, the weekday is checked here.
  const bothDays = days !== undefined && weekdays !== undefined;
  if (bothDays) numeric[numeric.length - 1] = '*';
  const cron = (parts.length === 5 ? ['0', ...numeric] : numeric).join(' ');
  return {
    next(after) {
      const occurrences = CronExpressionParser.parse(cron, { currentDate: after, tz: timeZone });
      // A weekday and a day of the month meet within 28 years (the calendar's cycle); past that they never do.
      for (let tries = 0; tries < 28 * 12 * 31; tries++) {
        const occurrence = occurrences.next();
        if (!bothDays || weekdays.has(occurrence.getDay())) return occurrence.toDate();
      }
      throw new NcrontabError(`"${expression}" never occurs: no day of the month it names falls on a weekday it names`);
    },
  };
}
