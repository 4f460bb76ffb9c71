import type { Database } from '../db/index.js';
import { AppError } from '../errors.js';

export interface ConsumeUploadAllowanceOptions {
  db: Database;
  userId: string;
  perMinute: number;
  now?: Date;
}

const WINDOW_MS = 60_000;

/**
 * Counts one upload request in the user's current one-minute window, in the database so that every
 * instance shares the count; over the limit → `rate_limited` with the seconds until the window ends.
 */
export async function consumeUploadAllowance(options: ConsumeUploadAllowanceOptions): Promise<void> {
  const now = options.now ?? new Date();
  const windowStart = new Date(Math.floor(now.getTime() / WINDOW_MS) * WINDOW_MS);
  const [row] = await options.db.$queryRaw<{ count: number }[]>`
    INSERT INTO "UploadRateWindow" ("userId", "windowStart", "count")
    VALUES (${options.userId}, ${windowStart}, 1)
    ON CONFLICT ("userId", "windowStart") DO UPDATE SET "count" = "UploadRateWindow"."count" + 1
    RETURNING "count"`;
  if (row && row.count > options.perMinute) {
    const retryAfterSeconds = (windowStart.getTime() + WINDOW_MS - now.getTime()) / 1000;
    throw new AppError('rate_limited', `Too many uploads: at most ${options.perMinute} a minute. Try again shortly.`, {
      retryAfterSeconds,
    });
  }
}
