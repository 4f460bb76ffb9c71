import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/support/database.js';
import { seedUser } from '../../test/support/seedUser.js';
import { Prisma, type Database } from '../db/index.js';
import { getUsageHistory } from './getUsageHistory.js';
import { usageHistorySql } from './usageHistorySql.js';

/** Every node of an EXPLAIN (FORMAT JSON) plan, depth first. */
function planNodes(plan: Record<string, unknown>): Record<string, unknown>[] {
  return [plan, ...((plan.Plans as Record<string, unknown>[] | undefined) ?? []).flatMap(planNodes)];
}

describe('the usage history query plan, with 200,000 images of another user', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let db: Database;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = database.db;
    await seedUser(db, 'plan-ann');
    await seedUser(db, 'plan-big');
    // Generated in PostgreSQL itself: one image every 2 minutes for each, the big gallery's going back ~9 months.
    await db.$executeRaw`
      INSERT INTO user_images (id, user_id, original_name, file_type, file_size, original_path, status, quality, processing_time, storage_bytes, created_at, updated_at)
      SELECT 'c' || owner || lpad(n::text, 10, '0'), owner, 'IMG_' || n || '.jpg', 'image/jpeg', 1000, owner || '/' || n, 'ready', 'good',
             500 + n % 4000, 1000, timestamp '2026-12-01' - n * interval '2 minutes', now()
      FROM (SELECT 'plan-big' AS owner, n FROM generate_series(1, 200000) n
            UNION ALL SELECT 'plan-ann', n FROM generate_series(1, 2000) n) images`;
    await db.$executeRaw`ANALYZE user_images`;
  }, 120_000);
  afterAll(() => database?.drop());

  it('reads only the caller’s range through the (user_id, created_at) index, never scanning the table', async () => {
    const query = { from: '2026-11-20', to: '2026-11-30', bucket: 'day', timeZone: 'Europe/Berlin' } as const;
    const [explained] = await db.$queryRaw<{ 'QUERY PLAN': [{ Plan: Record<string, unknown> }] }[]>(
      Prisma.sql`EXPLAIN (FORMAT JSON) ${usageHistorySql('plan-ann', query)}`,
    );

    const nodes = planNodes(explained!['QUERY PLAN'][0].Plan);
    const onImages = nodes.filter((node) => node['Relation Name'] === 'user_images');
    expect(onImages.map((node) => node['Node Type'])).not.toContain('Seq Scan');
    expect(nodes.some((node) => node['Index Name'] === 'user_images_user_id_created_at_id_idx')).toBe(true);
    // Run, it counts the caller's 2,000 images (their last local day in Berlin is 1 December) and no other.
    const history = await getUsageHistory({ db, userId: 'plan-ann', query: { ...query, from: '2026-11-01', to: '2026-12-01' } });
    expect(history.buckets.reduce((sum, bucket) => sum + bucket.uploads, 0)).toBe(2000);
  });

  it('answers invalid_request for a time zone the runtime knows and PostgreSQL does not, not a server error', async () => {
    // ICU still accepts the withdrawn US/Pacific-New; PostgreSQL's tz database dropped it.
    const query = { from: '2026-11-20', to: '2026-11-30', bucket: 'day', timeZone: 'US/Pacific-New' } as const;
    await expect(getUsageHistory({ db, userId: 'plan-ann', query })).rejects.toMatchObject({
      code: 'invalid_request',
      details: [{ field: 'timeZone', message: expect.stringContaining('US/Pacific-New') }],
    });
  });
});
