import type { Database } from '../../shared/db/index.js';
import { ensureUser } from '../../shared/users/ensureUser.js';

/** A user with the default quota (1 GiB, 100 images), as the first request of their token would make. */
export async function seedUser(db: Database, userId: string, limits = { storageLimitBytes: 1024 ** 3, imageLimit: 100 }): Promise<void> {
  await ensureUser(db, { userId }, limits);
}
