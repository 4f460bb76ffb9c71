import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openIntegrationParts } from '../../test/support/integrationParts.js';
import { seedUser } from '../../test/support/seedUser.js';
import { type Database, type UserImage } from '../db/index.js';
import { AppError } from '../errors.js';
import { validate } from '../http/parseInput.js';
import type { BlobStore } from '../storage/blobStore.js';
import { galleryPageSql } from './galleryPageSql.js';
import { galleryQuerySchema } from './galleryQuerySchema.js';
import { listGallery } from './listGallery.js';

const CURSOR_SECRET = 'gallery-test-cursor-secret-0123456789abcdef';
const ALICE = 'gallery-alice';
const BOB = 'gallery-bob';
/** Seeded images are created from here on, three per 10-minute step (so creation times tie). */
const SEED_START = Date.UTC(2025, 0, 1);

/**
 * `count` images in one INSERT: ids scrambled against creation order, every third creation time shared,
 * and titles, names, tags, flags and statuses varied so that each filter selects a different subset.
 */
async function seedGallery(db: Database, userId: string, count: number): Promise<void> {
  await db.$executeRaw`
    INSERT INTO user_images (id, user_id, title, status, original_name, file_type, file_size, original_path,
                             tags, is_favorite, created_at, updated_at)
    SELECT 'c' || substr(md5(${userId} || i), 1, 24),
           ${userId},
           CASE WHEN i % 10 = 0 THEN 'Mon CHAT n°' || i WHEN i % 37 = 0 THEN '50% off_' || i ELSE 'Photo ' || i END,
           (CASE WHEN i % 13 = 0 THEN 'failed' WHEN i % 11 = 0 THEN 'queued' ELSE 'ready' END)::image_status,
           CASE WHEN i % 7 = 0 THEN 'cat_' || i || '.jpg' ELSE 'IMG' || i || '.png' END,
           'image/png', 1000, ${userId} || '/x_original.png',
           array_remove(ARRAY[CASE WHEN i % 2 = 0 THEN 'even' END, CASE WHEN i % 3 = 0 THEN 'three' END, CASE WHEN i % 4 = 0 THEN 'four' END], NULL),
           i % 6 = 0,
           to_timestamp(${SEED_START / 1000} + (i / 3) * 600) AT TIME ZONE 'UTC',
           now()
    FROM generate_series(1, ${count}) AS i`;
}

const parseQuery = (query: Record<string, string>) => validate(galleryQuerySchema, query, 'query string');

describe('gallery keyset paging against PostgreSQL', () => {
  let close: (() => Promise<void>) | undefined;
  let db: Database;
  let blobs: BlobStore;
  let aliceImages: UserImage[];

  const page = (userId: string, query: Record<string, string>) =>
    listGallery({ db, blobs, cursorSecret: CURSOR_SECRET, readTtlMinutes: 60, userId, query: parseQuery(query) });

  /** Every page of a query, following `nextCursor` to the end. */
  async function allPages(userId: string, query: Record<string, string>, between?: () => Promise<void>): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const result = await page(userId, cursor ? { ...query, cursor } : query);
      expect(result.items.length).toBeLessThanOrEqual(Number(query.limit ?? 24));
      ids.push(...result.items.map((item) => item.id));
      cursor = result.nextCursor;
      await between?.();
    } while (cursor);
    return ids;
  }

  /** The expected ids, worked out in plain TypeScript from every row of Alice. */
  function expected(match: (image: UserImage) => boolean, sort: 'newest' | 'oldest' = 'newest'): string[] {
    const sign = sort === 'newest' ? -1 : 1;
    return aliceImages
      .filter(match)
      .sort((a, b) => sign * (a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)))
      .map((image) => image.id);
  }

  beforeAll(async () => {
    ({ db, blobs, close } = await openIntegrationParts());
    await seedUser(db, ALICE);
    await seedUser(db, BOB);
    await seedGallery(db, ALICE, 1000);
    await seedGallery(db, BOB, 3000);
    await db.$executeRaw`ANALYZE user_images`;
    aliceImages = await db.userImage.findMany({ where: { userId: ALICE } });
  });
  afterAll(() => close?.());

  it('returns each image exactly once, in order, while new images arrive between pages', async () => {
    const old = expected(() => true);
    let added = 0;
    const addImages = async () => {
      for (let n = 0; n < 3; n += 1) {
        added += 1;
        await db.userImage.create({
          data: {
            userId: ALICE,
            originalName: `new${added}.png`,
            fileType: 'image/png',
            fileSize: 1n,
            originalPath: `${ALICE}/new${added}`,
          },
        });
      }
    };
    const newestFirst = await allPages(ALICE, { limit: '24' }, addImages);
    expect(newestFirst).toEqual(old);
    expect(added).toBe(3 * Math.ceil(1000 / 24));

    const oldestFirst = await allPages(ALICE, { limit: '24', sort: 'oldest' }, addImages);
    expect(oldestFirst.slice(0, 1000)).toEqual([...old].reverse());
    expect(new Set(oldestFirst).size).toBe(oldestFirst.length);
    await db.userImage.deleteMany({ where: { userId: ALICE, originalName: { startsWith: 'new' } } });
  });

  const day = (offset: number) => new Date(SEED_START + offset * 86_400_000);
  const filterCases: [string, Record<string, string>, (image: UserImage) => boolean][] = [
    ['favourites', { favorite: 'true' }, (i) => i.isFavorite],
    ['non-favourites', { favorite: 'false' }, (i) => !i.isFavorite],
    ['one tag', { tags: 'three' }, (i) => i.tags.includes('three')],
    ['all of two tags, any spelling', { tags: ' Three,FOUR,four' }, (i) => i.tags.includes('three') && i.tags.includes('four')],
    [
      'a date-time range (from inclusive, to exclusive)',
      { from: new Date(SEED_START + 6_000_000).toISOString(), to: new Date(SEED_START + 60_000_000).toISOString() },
      (i) => i.createdAt.getTime() >= SEED_START + 6_000_000 && i.createdAt.getTime() < SEED_START + 60_000_000,
    ],
    ['a date "to" includes that whole day', { to: '2025-01-01' }, (i) => i.createdAt < day(1)],
    ['a date "from" starts at its midnight', { from: '2025-01-02' }, (i) => i.createdAt >= day(1)],
    ['status', { status: 'failed' }, (i) => i.status === 'failed'],
    ['title, any case', { q: 'chat' }, (i) => i.title.toLowerCase().includes('chat')],
    ['original name', { q: 'CAT_7' }, (i) => i.originalName.toLowerCase().includes('cat_7')],
    ['LIKE wildcards taken literally', { q: '50%' }, (i) => i.title.includes('50%')],
    ['favourite + tag, oldest first', { favorite: 'true', tags: 'even', sort: 'oldest' }, (i) => i.isFavorite && i.tags.includes('even')],
    [
      'status + search + from',
      { status: 'ready', q: 'chat', from: '2025-01-02' },
      (i) => i.status === 'ready' && i.title.toLowerCase().includes('chat') && i.createdAt >= day(1),
    ],
    [
      'tag + to + non-favourites',
      { tags: 'four', to: '2025-01-02', favorite: 'false' },
      (i) => i.tags.includes('four') && i.createdAt < day(2) && !i.isFavorite,
    ],
    [
      'everything at once',
      { favorite: 'true', tags: 'even', from: '2025-01-01', to: '2025-01-03', status: 'ready', q: 'photo' },
      (i) =>
        i.isFavorite && i.tags.includes('even') && i.createdAt < day(3) && i.status === 'ready' && i.title.toLowerCase().includes('photo'),
    ],
  ];

  it.each(filterCases)('filters: %s', async (_name, query, match) => {
    const want = expected(match, query.sort === 'oldest' ? 'oldest' : 'newest');
    expect(want.length).toBeGreaterThan(0);
    expect(want.length).toBeLessThan(aliceImages.length);
    expect(await allPages(ALICE, { ...query, limit: '37' })).toEqual(want);
  });

  it('never shows another user’s images', async () => {
    const bobs = await allPages(BOB, { limit: '100', favorite: 'true' });
    const aliceIds = new Set(aliceImages.map((image) => image.id));
    expect(bobs.length).toBeGreaterThan(0);
    expect(bobs.some((id) => aliceIds.has(id))).toBe(false);
  });

  it('gives each item fresh read links for the blobs its row says exist', async () => {
    const { items } = await page(ALICE, { limit: '30' });
    for (const item of items) {
      expect(item.urls.processed).toBeNull();
      expect(item.urls.original === null).toBe(item.status === 'failed');
      expect(Date.parse(item.urlsExpireAt)).toBeGreaterThan(Date.now());
    }
  });

  it('refuses a cursor used by another user, with other filters or sort, or edited', async () => {
    const first = await page(ALICE, { limit: '10', tags: 'even' });
    const cursor = first.nextCursor!;
    const refused = async (userId: string, query: Record<string, string>) => {
      const error = await page(userId, query).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe('invalid_request');
    };
    await refused(BOB, { tags: 'even', cursor });
    await refused(ALICE, { tags: 'three', cursor });
    await refused(ALICE, { cursor });
    await refused(ALICE, { tags: 'even', sort: 'oldest', cursor });
    const [payload, signature] = cursor.split('.');
    const forged = Buffer.from(JSON.stringify([Date.UTC(2030, 0, 1), aliceImages[0]!.id])).toString('base64url');
    await refused(ALICE, { tags: 'even', cursor: `${forged}.${signature}` });
    await refused(ALICE, { tags: 'even', cursor: `${payload}.${signature!.slice(1)}A` });

    const second = await page(ALICE, { limit: '5', tags: 'EVEN', cursor });
    expect(second.items[0]!.id).toBe(expected((i) => i.tags.includes('even'))[10]);
  });

  /** The node types and index names of a plan, depth first. */
  function planNodes(plan: Record<string, unknown>): { type: string; index?: string; cond?: string }[] {
    const node = {
      type: String(plan['Node Type']),
      index: plan['Index Name'] as string | undefined,
      cond: plan['Index Cond'] as string | undefined,
    };
    return [node, ...((plan.Plans as Record<string, unknown>[] | undefined) ?? []).flatMap(planNodes)];
  }

  async function explain(options: Parameters<typeof galleryPageSql>[0]) {
    const [row] = await db.$queryRaw<
      { 'QUERY PLAN': [{ Plan: Record<string, unknown> }] }[]
    >`EXPLAIN (FORMAT JSON) ${galleryPageSql(options)}`;
    return planNodes(row!['QUERY PLAN'][0].Plan);
  }

  it('reads a later page through the index with a limit, never sorting the gallery', async () => {
    const middle = expected(() => true)[500]!;
    const after = { at: aliceImages.find((image) => image.id === middle)!.createdAt, id: middle };
    for (const sort of ['newest', 'oldest'] as const) {
      const nodes = await explain({ userId: ALICE, sort, filters: {}, after, limit: 25 });
      expect(nodes[0]!.type).toBe('Limit');
      expect(nodes[1]).toMatchObject({ type: expect.stringMatching(/^Index Scan/), index: 'user_images_user_id_created_at_id_idx' });
      expect(nodes[1]!.cond).toContain('ROW(created_at, id)');
      expect(nodes.some((node) => node.type.includes('Sort'))).toBe(false);
    }
    const favourites = await explain({ userId: ALICE, sort: 'newest', filters: { favorite: true }, after, limit: 25 });
    expect(favourites.map((node) => node.type)).toEqual(['Limit', 'Index Scan']);
    expect(favourites[1]!.index).toBe('user_images_user_id_is_favorite_created_at_id_idx');
  });
});
