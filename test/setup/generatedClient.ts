import { ensureGeneratedClient } from '../../dev/database.js';

/**
 * Vitest global setup of every project: the tests import the generated Prisma client, which a fresh clone
 * does not have and a schema change makes stale.
 */
export default async function setup(): Promise<void> {
  await ensureGeneratedClient();
}
