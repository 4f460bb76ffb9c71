import { PrismaPg } from '@prisma/adapter-pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.js';
import { serverConnections, startPgBouncer, type RunningPgBouncer } from '../../test/support/pgBouncer.js';
import { seedUser } from '../../test/support/seedUser.js';
import { PrismaClient } from './generated/client.js';
import { createDatabaseClient, type Database } from './index.js';

/**
 * Production reaches PostgreSQL through Azure's built-in PgBouncer in transaction pooling: a server
 * connection serves a client for one transaction, then another client. The Prisma pg adapter sends
 * unnamed prepared statements only, which survive that; named ones would not (the control case).
 */

const POOLER_SERVER_CONNECTIONS = 2;

describe('the Prisma client through PgBouncer in transaction mode', () => {
  let database: TestDatabase;
  let pooler: RunningPgBouncer;
  let db: Database;
  let databaseName: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    databaseName = decodeURIComponent(new URL(database.url).pathname.slice(1));
    pooler = await startPgBouncer({ users: ['postgres'], defaultPoolSize: POOLER_SERVER_CONNECTIONS });
    // Five times more client connections than the pooler has server connections.
    db = createDatabaseClient(pooler.url({ user: 'postgres', database: databaseName }), { poolSize: 10 });
  });
  afterAll(async () => {
    await db?.$disconnect();
    await pooler?.stop();
    await database?.drop();
  });

  it('runs parameterised model queries, raw SQL and interactive transactions from many connections over a few', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, index) => seedUser(db, `pooled-${index}`)));
    // The same statement again and again, from every client connection at once (findMany: Prisma would
    // batch concurrent findUnique calls into one query).
    const rounds = await Promise.all(
      Array.from({ length: 100 }, (_, index) => db.user.findMany({ where: { id: `pooled-${index % 20}` }, select: { id: true } })),
    );
    expect(rounds.map(([user]) => user?.id)).toEqual(Array.from({ length: 100 }, (_, index) => `pooled-${index % 20}`));

    // Read-modify-write under a row lock, 50 times at once: the pooler keeps each transaction on one
    // server connection, so no increment is lost.
    await Promise.all(
      Array.from({ length: 50 }, () =>
        db.$transaction(async (tx) => {
          const [row] = await tx.$queryRaw<
            { image_count: number }[]
          >`SELECT image_count FROM storage_quotas WHERE user_id = 'pooled-0' FOR UPDATE`;
          await tx.$executeRaw`UPDATE storage_quotas SET image_count = ${row!.image_count + 1} WHERE user_id = 'pooled-0'`;
        }),
      ),
    );
    expect((await db.storageQuota.findUniqueOrThrow({ where: { userId: 'pooled-0' } })).imageCount).toBe(50);
    expect(await serverConnections(databaseName)).toBeLessThanOrEqual(POOLER_SERVER_CONNECTIONS);
  });

  it('would break with named prepared statements, which the adapter is not given (the control case)', async () => {
    const adapter = new PrismaPg(
      { connectionString: pooler.url({ user: 'postgres', database: databaseName }), max: 10 },
      { statementNameGenerator: (query) => `detour_${query.sql.length}` },
    );
    const named = new PrismaClient({ adapter });
    try {
      const outcomes = await Promise.allSettled(
        Array.from({ length: 100 }, (_, index) => named.user.findMany({ where: { id: `pooled-${index % 20}` } })),
      );
      const failures = outcomes.filter((outcome) => outcome.status === 'rejected').map((outcome) => String(outcome.reason));
      expect(failures.length).toBeGreaterThan(0);
      expect(failures[0]).toMatch(/prepared statement "detour_\d+" (does not exist|already exists)/);
    } finally {
      await named.$disconnect();
    }
  });
});
