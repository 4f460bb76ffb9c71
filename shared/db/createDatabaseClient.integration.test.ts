import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.js';
import { createDatabaseClient, ImageStatus, Prisma, USER_IMAGE_COLUMNS, type Database, type UserImage } from './index.js';

describe('createDatabaseClient against a cloned database', () => {
  let database: TestDatabase;
  let db: Database;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = database.db;
  });
  afterAll(() => database?.drop());

  it('starts from the migrated, empty template', async () => {
    expect(await db.user.count()).toBe(0);
    const rows = await db.$queryRaw<{ migrations: bigint }[]>`
      SELECT count(*) AS migrations FROM "_prisma_migrations" WHERE finished_at IS NOT NULL`;
    expect(Number(rows[0]?.migrations)).toBeGreaterThan(0);
  });

  it('creates a user with a quota and an image with tags, and finds it by tag', async () => {
    await db.user.create({
      data: {
        id: 'user-1',
        email: 'ada@example.test',
        quota: { create: { storageLimit: 5n * 1024n ** 3n, imageLimit: 500 } },
        images: {
          create: {
            originalName: 'Chat.PNG',
            title: 'Mon chat sur le canapé',
            fileType: 'image/png',
            fileSize: 1234n,
            originalPath: 'user-1/originals/a.png',
            tags: ['cat', 'sofa', 'indoor'],
          },
        },
      },
    });

    const user = await db.user.findUniqueOrThrow({ where: { id: 'user-1' }, include: { quota: true, images: true } });
    expect(user.quota).toMatchObject({ storageLimit: 5368709120n, imageLimit: 500, imageCount: 0 });
    expect(user.images).toHaveLength(1);
    expect(user.images[0]).toMatchObject({ status: ImageStatus.pending_upload, isFavorite: false, storageBytes: 0n });
    expect(user.images[0]?.id).toMatch(/^c[a-z0-9]{20,}$/);

    expect(await db.userImage.count({ where: { tags: { has: 'sofa' } } })).toBe(1);
    expect(await db.userImage.count({ where: { tags: { hasEvery: ['cat', 'indoor'] } } })).toBe(1);
    expect(await db.userImage.count({ where: { tags: { hasEvery: ['cat', 'dog'] } } })).toBe(0);
    expect(await db.userImage.count({ where: { tags: { hasSome: ['dog', 'sofa'] } } })).toBe(1);
    // The gallery's case-insensitive search (served by the trigram indexes).
    expect(
      await db.userImage.count({
        where: { OR: [{ title: { contains: 'CHAT', mode: 'insensitive' } }, { originalName: { contains: 'CHAT', mode: 'insensitive' } }] },
      }),
    ).toBe(1);
  });

  it('reads a whole image row in raw SQL exactly as the client reads it (snake_case columns, camelCase fields)', async () => {
    const image = await db.userImage.findFirstOrThrow({ where: { userId: 'user-1' } });
    await db.userImage.update({ where: { id: image.id }, data: { width: 640, height: 480, quality: 'good', processedAt: new Date() } });
    const [raw] = await db.$queryRaw<UserImage[]>`SELECT ${USER_IMAGE_COLUMNS} FROM user_images WHERE id = ${image.id}`;
    expect(raw).toEqual(await db.userImage.findUniqueOrThrow({ where: { id: image.id } }));
  });

  it('increments BigInt counters atomically, inside a transaction too', async () => {
    await db.user.update({ where: { id: 'user-1' }, data: { storageUsed: { increment: 3_000_000_000n } } });
    await Promise.all(
      Array.from({ length: 5 }, () => db.user.update({ where: { id: 'user-1' }, data: { storageUsed: { increment: 1n } } })),
    );
    await db.$transaction(async (tx) => {
      await tx.user.update({ where: { id: 'user-1' }, data: { storageUsed: { decrement: 5n } } });
      await tx.storageQuota.update({ where: { userId: 'user-1' }, data: { imageCount: { increment: 1 } } });
    });
    const user = await db.user.findUniqueOrThrow({ where: { id: 'user-1' }, include: { quota: true } });
    expect(user.storageUsed).toBe(3_000_000_000n);
    expect(user.quota?.imageCount).toBe(1);
  });

  it('maps constraint violations to Prisma errors', async () => {
    const error = await db.user.create({ data: { id: 'user-1' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Prisma.PrismaClientKnownRequestError);
    expect((error as Prisma.PrismaClientKnownRequestError).code).toBe('P2002');
  });

  it('cascades deletes from a user to its images and quota', async () => {
    await db.user.delete({ where: { id: 'user-1' } });
    expect(await db.userImage.count()).toBe(0);
    expect(await db.storageQuota.count()).toBe(0);
  });

  it('lets an interactive transaction wait for a busy pool as long as a query would (not Prisma’s 2 s)', async () => {
    const single = createDatabaseClient(database.url, { poolSize: 1 });
    try {
      // The only connection is busy for 3 s: longer than Prisma's default maxWait, within the pool's 10 s.
      const busy = single.$transaction(async (tx) => tx.$queryRaw`SELECT 1 FROM pg_sleep(3)`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      const waiting = single.$transaction(async (tx) => tx.$queryRaw<{ one: number }[]>`SELECT 1 AS one`);
      await busy;
      expect(await waiting).toEqual([{ one: 1 }]);
    } finally {
      await single.$disconnect();
    }
  });

  it('fails fast, with a connection error, when the server is not there', async () => {
    const unreachable = createDatabaseClient(database.url.replace(/:\d+\//, ':9/'), { connectionTimeoutMs: 2_000 });
    try {
      await expect(unreachable.$queryRaw`SELECT 1`).rejects.toThrow();
    } finally {
      await unreachable.$disconnect();
    }
  });
});
