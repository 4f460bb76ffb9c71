import { encodeGalleryCursor, type GalleryPosition } from '../shared/gallery/encodeGalleryCursor.js';
import { galleryScopeKey } from '../shared/gallery/galleryScope.js';
import { galleryPageSql } from '../shared/gallery/galleryPageSql.js';
import { galleryQuerySchema } from '../shared/gallery/galleryQuerySchema.js';
import { Prisma, USER_IMAGE_COLUMNS, type UserImage } from '../shared/db/index.js';
import { presentImages } from '../shared/images/presentImages.js';
import { BlobStore } from '../shared/storage/blobStore.js';
import { validate } from '../shared/http/parseInput.js';
import { targetRow, type Benchmark, type ResultRow } from './support/benchmark.js';
import { seedGalleries, TAGS } from './support/gallerySeed.js';
import { HttpClient } from './support/httpClient.js';
import { startProductStack, type ProductStack } from './support/productStack.js';
import { intSetting } from './support/settings.js';
import { median, round, summarizeLatencies, type LatencySummary } from './support/stats.js';

/**
 * Gallery pages: `GET /api/gallery` through real HTTP on the devhost with a real token, against one
 * user with 1,000,000 images among 50 others with 20,000 each (loaded with COPY, see gallerySeed.ts).
 * Each case (first page, a deep page whose cursor is the 900,000th image, each filter, the oldest-first
 * sort), at 24 and 100 items with SAS links, is asked `requests` times, one request at a time, the
 * cases taken in turn so that the machine's mood spreads over all of them alike.
 *
 * The API has no OFFSET paging, so the baseline is measured where the difference lies, in SQL, side by
 * side on one connection: the product's keyset query for the deep page (galleryPageSql, as listGallery
 * runs it) against the same page with OFFSET. Beside it, the time the product's presentImages takes to
 * turn that page's rows into resources with SAS links (four per ready image): signed afresh (a new
 * BlobStore each time, as the first page of a signing window), and reused within the window (what a
 * reload finds), to show what an HTTP page spends outside the database. Each case's plan (EXPLAIN ANALYZE) is kept in the result.
 */

const LIMITS = [24, 100] as const;
const DAY_MS = 86_400_000;
const GALLERY_P95_TARGET_MS = 20;

interface GalleryCase {
  name: string;
  query: Record<string, string>;
}

interface CaseResult {
  name: string;
  limit: number;
  path: string;
  /** Images of the owner's gallery that the case's filters select. */
  matching: number;
  latencyMs: LatencySummary;
  plan: { executionMs: number; nodes: string[] };
}

/** The node types of a plan, depth first: enough to see which index a page uses and whether it sorts. */
function planNodes(plan: Record<string, unknown>): string[] {
  const name = [plan['Node Type'], plan['Index Name']].filter(Boolean).join(' ');
  return [name, ...((plan.Plans as Record<string, unknown>[] | undefined) ?? []).flatMap(planNodes)];
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

async function timeQuery(stack: ProductStack, sql: Prisma.Sql): Promise<number> {
  const started = performance.now();
  await stack.db.$queryRaw(sql);
  return performance.now() - started;
}

const gallery: Benchmark = {
  name: 'gallery',
  title: 'GET /api/gallery at 1M images: first, deep (cursor) and filtered pages; OFFSET as the baseline',
  needsBuild: true,
  async run(progress) {
    const settings = {
      images: intSetting('BENCH_GALLERY_IMAGES', 1_000_000),
      otherUsers: intSetting('BENCH_GALLERY_OTHER_USERS', 50),
      otherImages: intSetting('BENCH_GALLERY_OTHER_IMAGES', 20_000),
      requests: intSetting('BENCH_GALLERY_REQUESTS', 200),
      sqlSamples: intSetting('BENCH_GALLERY_SQL_SAMPLES', 15),
      /** Time between two images of a gallery: 1M images span about three years. */
      spacingMs: 90_000,
    };
    const deepRows = Math.floor(settings.images * 0.9);
    const stack = await startProductStack({ label: 'gallery' });
    const client = new HttpClient(stack.baseUrl, 1);
    try {
      const owner = 'bench-gallery-owner';
      const owners = [
        { userId: owner, images: settings.images },
        ...Array.from({ length: settings.otherUsers }, (_, index) => ({
          userId: `bench-gallery-user-${index + 1}`,
          images: settings.otherImages,
        })),
      ];
      const newest = new Date();
      const seed = await seedGalleries({ databaseUrl: stack.databaseUrl, owners, newest, spacingMs: settings.spacingMs, progress });
      progress(
        `${seed.rows.toLocaleString('en-US')} rows: COPY ${seed.copySeconds.toFixed(0)} s, indexes ${seed.indexSeconds.toFixed(0)} s`,
      );

      const [deepRow] = await stack.db.$queryRaw<GalleryPosition[]>`
        SELECT created_at AS "at", id FROM user_images WHERE user_id = ${owner} AND deleted_at IS NULL
        ORDER BY created_at DESC, id DESC OFFSET ${deepRows - 1} LIMIT 1`;
      if (!deepRow) throw new Error(`The gallery has fewer than ${deepRows} images.`);
      // The cursor a client holds after paging through 900,000 images, signed as the API signs it.
      const deepCursor = encodeGalleryCursor(
        stack.config.cursorSecret,
        galleryScopeKey({ userId: owner, sort: 'newest', filters: {} }),
        deepRow,
      );
      const monthStart = newest.getTime() - Math.floor((settings.images * settings.spacingMs) / 2);
      const cases: GalleryCase[] = [
        { name: 'first page', query: {} },
        { name: `deep page (cursor after ${deepRows.toLocaleString('en-US')})`, query: { cursor: deepCursor } },
        { name: 'favorite=true', query: { favorite: 'true' } },
        { name: `tags=${TAGS[39]}`, query: { tags: TAGS[39]! } },
        { name: `tags=${TAGS[19]},${TAGS[39]} (both)`, query: { tags: `${TAGS[19]},${TAGS[39]}` } },
        { name: 'from/to (one month)', query: { from: isoDate(monthStart), to: isoDate(monthStart + 30 * DAY_MS) } },
        { name: 'q=lighthouse', query: { q: 'lighthouse' } },
        { name: 'status=failed', query: { status: 'failed' } },
        { name: 'sort=oldest', query: { sort: 'oldest' } },
      ];

      const token = await stack.tokenFor(owner);
      const measured = LIMITS.flatMap((limit) =>
        cases.map((entry) => ({
          ...entry,
          limit,
          path: `/api/gallery?${new URLSearchParams({ ...entry.query, limit: String(limit) }).toString()}`,
          latencies: [] as number[],
        })),
      );
      progress('checking and warming up every case');
      for (const entry of measured) {
        const page = JSON.parse((await client.expect(200, 'GET', entry.path, { token })).body.toString('utf8')) as {
          items: Array<{ urls: Record<string, string | null> }>;
        };
        if (page.items.length > 0 && !page.items.some((item) => Object.values(item.urls).some(Boolean))) {
          throw new Error(`${entry.name} returned images without SAS links.`);
        }
        for (let i = 0; i < 4; i++) await client.expect(200, 'GET', entry.path, { token });
      }
      progress(`${settings.requests} requests per case, ${measured.length} cases in turn`);
      for (let i = 0; i < settings.requests; i++) {
        for (const entry of measured) entry.latencies.push((await client.expect(200, 'GET', entry.path, { token })).ms);
      }

      progress('plans and selectivity');
      const results: CaseResult[] = [];
      const matchingByCase = new Map<string, number>();
      for (const entry of measured) {
        // The filters exactly as the API parses them from this query string.
        const { cursor, sort, favorite, tags, from, to, q, status } = validate(galleryQuerySchema, entry.query, 'gallery query');
        const filters = { favorite, tags, from, to, q, status };
        const after = cursor ? deepRow : undefined;
        const pageSql = galleryPageSql({ userId: owner, sort, filters, after, limit: entry.limit + 1 });
        const [explained] = await stack.db.$queryRaw<
          Array<{ 'QUERY PLAN': Array<{ Plan: Record<string, unknown>; 'Execution Time': number }> }>
        >`
          EXPLAIN (ANALYZE, FORMAT JSON) ${pageSql}`;
        if (!matchingByCase.has(entry.name)) {
          const all = galleryPageSql({ userId: owner, sort, filters, limit: settings.images });
          const [counted] = await stack.db.$queryRaw<Array<{ count: bigint }>>`SELECT count(*) FROM (${all}) AS page`;
          matchingByCase.set(entry.name, Number(counted!.count));
        }
        const plan = explained!['QUERY PLAN'][0]!;
        results.push({
          name: entry.name,
          limit: entry.limit,
          path: entry.path.replace(deepCursor, '<cursor>'),
          matching: matchingByCase.get(entry.name)!,
          latencyMs: summarizeLatencies(entry.latencies),
          plan: { executionMs: plan['Execution Time'], nodes: planNodes(plan.Plan) },
        });
      }

      progress(`deep page in SQL: keyset against OFFSET ${deepRows.toLocaleString('en-US')}, ${settings.sqlSamples} samples each`);
      const baseline = [];
      for (const limit of LIMITS) {
        const keyset = galleryPageSql({ userId: owner, sort: 'newest', filters: {}, after: deepRow, limit: limit + 1 });
        const offset = Prisma.sql`SELECT ${USER_IMAGE_COLUMNS} FROM user_images WHERE user_id = ${owner} AND deleted_at IS NULL
          ORDER BY created_at DESC, id DESC LIMIT ${limit + 1} OFFSET ${deepRows}`;
        const keysetMs: number[] = [];
        const offsetMs: number[] = [];
        const presentMs: number[] = [];
        const freshPresentMs: number[] = [];
        const pageRows = (await stack.db.$queryRaw<UserImage[]>(keyset)).slice(0, limit);
        const present = (blobs: BlobStore) => presentImages(pageRows, { blobs, readTtlMinutes: stack.config.sas.readTtlMinutes });
        const timed = async (blobs: BlobStore, into: number[]) => {
          const started = performance.now();
          await present(blobs);
          into.push(performance.now() - started);
        };
        // Warmed up like the devhost's copy, which has served every case by now.
        for (let i = 0; i < 20; i++) await present(stack.blobs);
        for (let i = 0; i < settings.sqlSamples; i++) {
          keysetMs.push(await timeQuery(stack, keyset));
          offsetMs.push(await timeQuery(stack, offset));
          await timed(stack.blobs, presentMs);
          await timed(BlobStore.fromSettings(stack.config.storage), freshPresentMs);
        }
        baseline.push({
          limit,
          keysetMs: summarizeLatencies(keysetMs),
          offsetMs: summarizeLatencies(offsetMs),
          presentMs: summarizeLatencies(presentMs),
          freshPresentMs: summarizeLatencies(freshPresentMs),
          ratio: median(offsetMs) / median(keysetMs),
        });
      }

      const rows: ResultRow[] = results.map((result) =>
        targetRow(
          {
            metric: `${result.limit} items, ${result.name}: p95`,
            value: result.latencyMs.p95,
            unit: 'ms',
            detail: `p50 ${round(result.latencyMs.p50)}, p99 ${round(result.latencyMs.p99)} ms; ${result.matching.toLocaleString('en-US')} match`,
          },
          { atMost: GALLERY_P95_TARGET_MS, text: `≤ ${GALLERY_P95_TARGET_MS} ms` },
        ),
      );
      for (const entry of baseline) {
        rows.push({
          metric: `${entry.limit} items, deep page in SQL: OFFSET ÷ keyset`,
          value: entry.ratio,
          unit: '×',
          detail: `p50 ${round(entry.offsetMs.p50)} ms against ${round(entry.keysetMs.p50)} ms`,
        });
        rows.push({
          metric: `${entry.limit} items, the keyset page in SQL alone: p95`,
          value: entry.keysetMs.p95,
          unit: 'ms',
          detail: `p50 ${round(entry.keysetMs.p50)} ms`,
        });
        rows.push({
          metric: `${entry.limit} items, SAS links and resources (presentImages), signed afresh: p50`,
          value: entry.freshPresentMs.p50,
          unit: 'ms',
        });
        rows.push({
          metric: `${entry.limit} items, SAS links and resources (presentImages), reused within the window: p50`,
          value: entry.presentMs.p50,
          unit: 'ms',
        });
      }
      return {
        parameters: { ...settings, deepRows, seed, app: stack.settings },
        rows,
        details: { cases: results, offsetBaseline: baseline },
      };
    } finally {
      client.close();
      await stack.stop();
    }
  },
};

export default gallery;
