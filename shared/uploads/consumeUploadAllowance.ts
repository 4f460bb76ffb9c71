import type { Database } from '../db/index.js';
import { AppError } from '../errors.js';

export interface ConsumeUploadAllowanceOptions {
  db: Database;
  userId: string;
  perMinute: number;
  /** A request made with an API key counts for the key too, against its own limit. */
  apiKey?: { id: string; perMinute: number };
  now?: Date;
}

const WINDOW_MS = 60_000;
/** The `api_key_id` of the user's own window, which every request of theirs counts in. */
const USER_WINDOW = '';

/**
 * Counts one upload request in the user's current one-minute window (and in the key's, for a request
 * made with an API key), in the database so that every instance shares the count; over a limit →
 * `rate_limited` with the seconds until the window ends.
 */
export async function consumeUploadAllowance(options: ConsumeUploadAllowanceOptions): Promise<void> {
  const now = options.now ?? new Date();
  const windowStart = new Date(Math.floor(now.getTime() / WINDOW_MS) * WINDOW_MS);
  const windows = options.apiKey ? [USER_WINDOW, options.apiKey.id] : [USER_WINDOW];
  const counts = await options.db.$queryRaw<{ apiKeyId: string; count: number }[]>`
    INSERT INTO upload_rate_windows (user_id, api_key_id, window_start, count)
    SELECT ${options.userId}, window_key, ${windowStart}, 1 FROM unnest(${windows}::text[]) AS window_key
    ON CONFLICT (user_id, api_key_id, window_start) DO UPDATE SET count = upload_rate_windows.count + 1
    RETURNING api_key_id AS "apiKeyId", count`;
  const retryAfterSeconds = (windowStart.getTime() + WINDOW_MS - now.getTime()) / 1000;
  const userCount = counts.find((row) => row.apiKeyId === USER_WINDOW)?.count ?? 0;
  if (userCount > options.perMinute) {
    throw new AppError('rate_limited', `Too many uploads: at most ${options.perMinute} a minute. Try again shortly.`, {
      retryAfterSeconds,
    });
  }
  const keyCount = counts.find((row) => row.apiKeyId === options.apiKey?.id)?.count ?? 0;
  if (options.apiKey && keyCount > options.apiKey.perMinute) {
    throw new AppError(
      'rate_limited',
      `Too many uploads with this API key: at most ${options.apiKey.perMinute} a minute. Try again shortly.`,
      {
        retryAfterSeconds,
      },
    );
  }
}
