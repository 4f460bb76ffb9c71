import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { columnOf } from '../../shared/db/userImageColumns.js';
import { newImageId } from '../../shared/images/newImageId.js';

/**
 * Galleries of the gallery benchmark's size, loaded with PostgreSQL's COPY from a generated stream.
 * The secondary indexes of user_images are dropped first and rebuilt afterwards from their own
 * definitions (as read from the catalogue), the usual way to bulk-load: maintaining three GIN indexes
 * row by row would take most of the run. Then ANALYZE, as autovacuum would after such a load.
 *
 * What the rows look like (the filters' selectivity decides their cost, so it is fixed and reported):
 * one image every `spacing` over the last years; 97 % `ready` (with cut-out and thumbnail), 2 %
 * `failed`, 1 % `queued`; 3 % favourites; 0 to 3 tags from a vocabulary of 40 with falling popularity;
 * 30 % with a title of two words and a number, the rest with the default title; file names `IMG_n.jpg`.
 * A pseudo-random generator with a fixed seed makes every run load the same galleries.
 */

export const TAGS = Array.from({ length: 40 }, (_, index) => `tag${String(index + 1).padStart(2, '0')}`);
const ADJECTIVES = ['red', 'quiet', 'golden', 'misty', 'bright', 'old', 'tiny', 'wild', 'blue', 'summer'];
const NOUNS = ['chair', 'lighthouse', 'garden', 'bicycle', 'teapot', 'portrait', 'sneaker', 'lamp', 'harbour', 'sofa', 'camera', 'vase'];

interface GalleryOwner {
  userId: string;
  images: number;
}

export interface SeedGalleriesOptions {
  databaseUrl: string;
  owners: readonly GalleryOwner[];
  /** The newest image's creation time; each gallery goes back from here. */
  newest: Date;
  /** Time between two images of one gallery. */
  spacingMs: number;
  progress: (message: string) => void;
}

/** mulberry32: small, fast, and the same sequence for the same seed. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A tag index with probability falling as 1/(rank + 1). */
function tagPicker(random: () => number): () => number {
  const weights = TAGS.map((_, index) => 1 / (index + 1));
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  const cumulative = weights.map(
    (
      (sum) => (weight: number) =>
        (sum += weight / total)
    )(0),
  );
  return () => {
    const draw = random();
    const index = cumulative.findIndex((limit) => draw < limit);
    return index < 0 ? TAGS.length - 1 : index;
  };
}

const COLUMNS = [
  'id',
  'userId',
  'title',
  'status',
  'errorCode',
  'errorMessage',
  'originalName',
  'fileType',
  'fileSize',
  'width',
  'height',
  'originalPath',
  'processedPath',
  'thumbnailPath',
  'previewPath',
  'processedSize',
  'thumbnailSize',
  'previewSize',
  'storageBytes',
  'processingTime',
  'quality',
  'tags',
  'isFavorite',
  'processedAt',
  'createdAt',
  'updatedAt',
] as const;

function timestamp(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

/** COPY's text format, 2,000 rows per chunk, for each owner in turn; tallies each owner's bytes. */
function galleryRows(options: SeedGalleriesOptions, storedBytes: Map<string, bigint>): Readable {
  const random = generator(0x5eed);
  const pickTag = tagPicker(random);
  const newestMs = options.newest.getTime();
  let ownerIndex = 0;
  let row = 0;
  return new Readable({
    read() {
      const owner = options.owners[ownerIndex];
      if (!owner) {
        this.push(null);
        return;
      }
      const lines: string[] = [];
      for (let n = 0; n < 2000 && row < owner.images; n++, row++) {
        const createdAt = newestMs - row * options.spacingMs - Math.floor(random() * (options.spacingMs / 2));
        const id = newImageId(createdAt);
        const statusDraw = random();
        const status = statusDraw < 0.97 ? 'ready' : statusDraw < 0.99 ? 'failed' : 'queued';
        const ready = status === 'ready';
        const fileSize = 1_500_000 + Math.floor(random() * 3_000_000);
        const processedSize = ready ? Math.floor(fileSize * 2.5) : 0;
        const thumbnailSize = ready ? 20_000 + Math.floor(random() * 20_000) : 0;
        // Derived, not drawn: the seeded data stays what it was before previews existed.
        const previewSize = thumbnailSize * 8;
        const stored = fileSize + processedSize + thumbnailSize + previewSize;
        storedBytes.set(owner.userId, (storedBytes.get(owner.userId) ?? 0n) + BigInt(stored));
        const tags = new Set<string>();
        for (let count = Math.floor(random() * 4); tags.size < count;) tags.add(TAGS[pickTag()]!);
        const title =
          random() < 0.3
            ? `${ADJECTIVES[Math.floor(random() * ADJECTIVES.length)]} ${NOUNS[Math.floor(random() * NOUNS.length)]} ${row}`
            : 'Image sans titre';
        const base = `${owner.userId}/${id}`;
        lines.push(
          [
            id,
            owner.userId,
            title,
            status,
            status === 'failed' ? 'processing_failed' : '\\N',
            status === 'failed' ? 'The background-removal service answered 503' : '\\N',
            `IMG_${row + 1}.jpg`,
            'image/jpeg',
            fileSize,
            4000,
            3000,
            `${base}_original.jpg`,
            ready ? `${base}_processed.png` : '\\N',
            ready ? `${base}_thumb.webp` : '\\N',
            ready ? `${base}_preview.webp` : '\\N',
            ready ? processedSize : '\\N',
            ready ? thumbnailSize : '\\N',
            ready ? previewSize : '\\N',
            stored,
            ready ? 2000 + Math.floor(random() * 3000) : '\\N',
            ready ? 'good' : '\\N',
            `{${[...tags].join(',')}}`,
            random() < 0.03 ? 't' : 'f',
            ready ? timestamp(createdAt + 5000) : '\\N',
            timestamp(createdAt),
            timestamp(createdAt + 5000),
          ].join('\t'),
        );
      }
      if (row >= owner.images) {
        ownerIndex += 1;
        row = 0;
        options.progress(`copied the gallery of ${owner.userId} (${owner.images.toLocaleString('en-US')} images)`);
      }
      this.push(`${lines.join('\n')}\n`);
    },
  });
}

export interface SeedReport {
  rows: number;
  copySeconds: number;
  indexSeconds: number;
  analyzeSeconds: number;
}

export async function seedGalleries(options: SeedGalleriesOptions): Promise<SeedReport> {
  const client = new pg.Client({ connectionString: options.databaseUrl });
  await client.connect();
  try {
    await client.query(`SET maintenance_work_mem = '256MB'`);
    const { rows: indexes } = await client.query<{ indexname: string; indexdef: string }>(
      `SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'user_images' AND indexname <> 'user_images_pkey'`,
    );
    for (const index of indexes) await client.query(`DROP INDEX "${index.indexname}"`);

    // The owners first (the images refer to them); their stored bytes once the images are counted.
    for (const owner of options.owners) {
      await client.query(`INSERT INTO users (id, updated_at) VALUES ($1, now())`, [owner.userId]);
      await client.query(
        `INSERT INTO storage_quotas (user_id, storage_limit, image_limit, image_count, updated_at) VALUES ($1, $2, $3, $4, now())`,
        [owner.userId, 1n << 50n, owner.images * 2, owner.images],
      );
    }
    const storedBytes = new Map<string, bigint>();
    let started = performance.now();
    await pipeline(
      galleryRows(options, storedBytes),
      client.query(copyFrom(`COPY user_images (${COLUMNS.map(columnOf).join(', ')}) FROM STDIN`)),
    );
    const copySeconds = (performance.now() - started) / 1000;

    started = performance.now();
    for (const index of indexes) {
      options.progress(`rebuilding ${index.indexname}`);
      await client.query(index.indexdef);
    }
    const indexSeconds = (performance.now() - started) / 1000;

    for (const owner of options.owners) {
      await client.query(`UPDATE users SET storage_used = $2 WHERE id = $1`, [owner.userId, storedBytes.get(owner.userId) ?? 0n]);
    }
    started = performance.now();
    await client.query('ANALYZE');
    const analyzeSeconds = (performance.now() - started) / 1000;
    return { rows: options.owners.reduce((sum, owner) => sum + owner.images, 0), copySeconds, indexSeconds, analyzeSeconds };
  } finally {
    await client.end();
  }
}
