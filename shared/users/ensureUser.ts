import type { Database } from '../db/index.js';
import type { TokenIdentity } from '../auth/verifyAccessToken.js';

export interface QuotaDefaults {
  storageLimitBytes: number;
  imageLimit: number;
}

// Users already known to this instance: the first request of a user costs two inserts, later ones none.
const knownUsers = new Set<string>();

/**
 * Creates the user and their quota (with the defaults) on first sight. Concurrent first requests are
 * safe: both inserts do nothing when the row exists.
 */
export async function ensureUser(db: Database, identity: TokenIdentity, defaults: QuotaDefaults): Promise<void> {
  if (knownUsers.has(identity.userId)) return;
  await db.$transaction([
    db.$executeRaw`
      INSERT INTO users (id, email, name, updated_at)
      VALUES (${identity.userId}, ${identity.email ?? null}, ${identity.name ?? null}, now())
      ON CONFLICT (id) DO NOTHING`,
    db.$executeRaw`
      INSERT INTO storage_quotas (user_id, storage_limit, image_limit, updated_at)
      VALUES (${identity.userId}, ${BigInt(defaults.storageLimitBytes)}, ${defaults.imageLimit}, now())
      ON CONFLICT (user_id) DO NOTHING`,
  ]);
  knownUsers.add(identity.userId);
}

/** Tests that reset the database between cases forget what this instance has seen. */
export function forgetKnownUsers(): void {
  knownUsers.clear();
}
