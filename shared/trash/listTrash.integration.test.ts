import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openIntegrationParts } from '../../test/support/integrationParts.js';
import { seedUser } from '../../test/support/seedUser.js';
import type { Database, UserImage } from '../db/index.js';
import { listGallery } from '../gallery/listGallery.js';
import type { BlobStore } from '../storage/blobStore.js';
import { listTrash } from './listTrash.js';
import { restoreTrash } from './restoreTrash.js';
import { trashPageSql } from './trashPageSql.js';

const CURSOR_SECRET = 'trash-list-test-cursor-secret-0123456789ab';
const ALICE = 'trash-list-alice';
const BOB = 'trash-list-bob';
const TRASHED = 10_000;
const SEED_START = Date.UTC(2026, 0, 1);

/**
 * `count` images in one INSERT, ids scrambled against both orders; with `trashed`, every one is in the
 * trash, three at each trashing instant (so positions tie) in an order unrelated to creation.
 */
async function seedImages(db: Database, userId: string, count: number, trashed: boolean): Promise<void> {
  await db.$executeRaw`
    INSERT INTO user_images (id, user_id, status, original_name, file_type, file_size, original_path, created_at, updated_at, trashed_at)
    SELECT 'c' || substr(md5(${userId} || ${String(trashed)} || i), 1, 24), ${userId}, 'ready', 'IMG' || i || '.png', 'image/png', 1000,
           ${userId} || '/x_original.png',
           to_timestamp(${SEED_START / 1000} + i * 60) AT TIME ZONE 'UTC', now(),
           CASE WHEN ${trashed} THEN to_timestamp(${SEED_START / 1000} + 86400 * 40 + ((i * 7919) % ${count}) / 3 * 60) AT TIME ZONE 'UTC' END
    FROM generate_series(1, ${count}) AS i`;
}

describe('the trash listing and restore-all against PostgreSQL', () => {
  let close: (() => Promise<void>) | undefined;
  let db: Database;
  let blobs: BlobStore;
  let aliceTrash: (UserImage & { trashedAt: Date })[];

  const page = (userId: string, query: { limit: number; cursor?: string }) =>
    listTrash({ db, blobs, cursorSecret: CURSOR_SECRET, readTtlMinutes: 60, retentionDays: 30, userId, query });
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (error: unknown) => error,
    );

  beforeAll(async () => {
    ({ db, blobs, close } = await openIntegrationParts());
    await seedUser(db, ALICE);
    await seedUser(db, BOB);
    await seedImages(db, ALICE, TRASHED, true);
    await seedImages(db, ALICE, 500, false);
    await seedImages(db, BOB, 3_000, true);
    await db.$executeRaw`ANALYZE user_images`;
    aliceTrash = (await db.userImage.findMany({ where: { userId: ALICE, trashedAt: { not: null } } })) as typeof aliceTrash;
  });
  afterAll(() => close?.());

  it('pages the trash newest-trashed first, each image once, with its purge date, never another user’s', async () => {
    const expected = [...aliceTrash]
      .sort((a, b) => b.trashedAt.getTime() - a.trashedAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
      .map((image) => image.id);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const result = await page(ALICE, { limit: 100, cursor });
      for (const item of result.items) {
        expect(Date.parse(item.purgeAt) - Date.parse(item.trashedAt)).toBe(30 * 86_400_000);
      }
      seen.push(...result.items.map((item) => item.id));
      cursor = result.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(expected);
  });

  it('refuses a cursor of another user, of the gallery, or edited; and the gallery refuses a trash cursor', async () => {
    const { nextCursor } = await page(ALICE, { limit: 10 });
    const trashCursor = nextCursor!;
    const galleryCursor = (
      await listGallery({ db, blobs, cursorSecret: CURSOR_SECRET, readTtlMinutes: 60, userId: ALICE, query: { limit: 10, sort: 'newest' } })
    ).nextCursor!;
    expect(await failure(page(BOB, { limit: 10, cursor: trashCursor }))).toMatchObject({ code: 'invalid_request' });
    expect(await failure(page(ALICE, { limit: 10, cursor: galleryCursor }))).toMatchObject({ code: 'invalid_request' });
    expect(await failure(page(ALICE, { limit: 10, cursor: `A${trashCursor.slice(1)}` }))).toMatchObject({ code: 'invalid_request' });
    const gallery = listGallery({
      db,
      blobs,
      cursorSecret: CURSOR_SECRET,
      readTtlMinutes: 60,
      userId: ALICE,
      query: { limit: 10, sort: 'newest', cursor: trashCursor },
    });
    expect(await failure(gallery)).toMatchObject({ code: 'invalid_request' });
  });

  it('reads a later page through the (user_id, trashed_at, id) index with a limit, never sorting the trash', async () => {
    const middle = aliceTrash[TRASHED / 2]!;
    const [plan] = await db.$queryRaw<{ 'QUERY PLAN': [{ Plan: Record<string, unknown> }] }[]>`
      EXPLAIN (FORMAT JSON) ${trashPageSql({ userId: ALICE, after: { at: middle.trashedAt, id: middle.id }, limit: 25 })}`;
    const nodes: { type: string; index?: string; cond?: string }[] = [];
    const walk = (node: Record<string, unknown>) => {
      nodes.push({ type: String(node['Node Type']), index: node['Index Name'] as string, cond: node['Index Cond'] as string });
      for (const child of (node.Plans as Record<string, unknown>[] | undefined) ?? []) walk(child);
    };
    walk(plan!['QUERY PLAN'][0].Plan);
    expect(nodes.map((node) => node.type)).toEqual(['Limit', 'Index Scan']);
    expect(nodes[1]).toMatchObject({
      index: 'user_images_user_id_trashed_at_id_idx',
      cond: expect.stringContaining('ROW(trashed_at, id)'),
    });
  });

  it('restores a trash of ten thousand images in one call, leaving another user’s trash alone', async () => {
    expect(await restoreTrash({ db, userId: ALICE, request: { all: true } })).toEqual({ restored: TRASHED });
    expect(await db.userImage.count({ where: { userId: ALICE, trashedAt: null } })).toBe(TRASHED + 500);
    expect((await page(ALICE, { limit: 10 })).items).toEqual([]);
    expect(await db.userImage.count({ where: { userId: BOB, trashedAt: { not: null } } })).toBe(3_000);
    expect(await restoreTrash({ db, userId: ALICE, request: { all: true } })).toEqual({ restored: 0 });
  });
});
