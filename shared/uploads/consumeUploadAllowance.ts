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
    INSERT INTO upload_rate_windows (user_id, window_start, count)
    VALUES (${options.userId}, ${windowStart}, 1)
    ON CONFLICT (user_id, window_start) DO UPDATE SET count = upload_rate_windows.count + 1
    RETURNING count`;
  if (row && row.count > options.perMinute) {
    const retryAfterSeconds = (windowStart.getTime() + WINDOW_MS - now.getTime()) / 1000;
    throw new AppError('rate_limited', `Too many uploads: at most ${options.perMinute} a minute. Try again shortly.`, {
      retryAfterSeconds,
    });
  }
}
