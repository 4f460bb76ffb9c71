import { crc32 } from 'node:zlib';
import { Prisma, type Database, type GalleryExportItem, type UserImage } from '../db/index.js';
import { IN_GALLERY } from '../images/imagePlaces.js';
import { storedImageFile, type StoredImageFile } from '../images/storedImageFile.js';
import { exportBlob } from '../storage/blobPaths.js';
import type { BlobStore } from '../storage/blobStore.js';
import type { ExportWriteSettings, WriteExportChunkResult } from './exportContract.js';
import type { SkipReason } from './exportSchemas.js';
import { StagedBlockWriter } from './stagedBlockWriter.js';
import { dataDescriptor, localFileHeader } from './zipFormat.js';

export interface WriteExportChunkOptions {
  db: Database;
  blobs: Pick<BlobStore, 'stageBlock' | 'openSizedReadStream'>;
  exportId: string;
  settings: ExportWriteSettings;
}

/** An item either skipped (and why) or to be written from this file of this image. */
type EntryPlan =
  { item: GalleryExportItem; skipReason: SkipReason } | { item: GalleryExportItem; name: string; image: UserImage; file: StoredImageFile };

/** Downloads opened ahead of the one being written. */
const DOWNLOADS_AHEAD = 4;

type ItemOutcome =
  | { item: GalleryExportItem; skipReason: SkipReason }
  | { item: GalleryExportItem; offset: number; size: number; crc32: number; firstBlock: number; lastBlock: number; entryDate: Date };

/**
 * Writes the next chunk of a running export: its next items (at most `chunkEntries`, and no new one
 * once `chunkBytes` were written), each blob streamed through its CRC into staged blocks from the
 * recorded block index on, then records in one transaction where each entry went and where the next
 * chunk starts. A run that dies midway recorded nothing, so the next run redoes exactly this chunk
 * over the same block ids. An item whose image was deleted, has no such file any more, or whose blob
 * is gone is recorded as skipped: nothing is dropped silently.
 */
export async function writeExportChunk(options: WriteExportChunkOptions): Promise<WriteExportChunkResult> {
  const { db, settings } = options;
  const row = await db.galleryExport.findUnique({ where: { id: options.exportId } });
  if (row?.status !== 'running') return { state: 'stopped' };
  if (row.done >= row.total) return { state: 'complete' };
  const items = await db.galleryExportItem.findMany({
    where: { exportId: row.id, position: { gte: row.done } },
    orderBy: { position: 'asc' },
    take: settings.chunkEntries,
  });
  const images = await db.userImage.findMany({
    where: { userId: row.userId, id: { in: [...new Set(items.map((item) => item.imageId))] }, ...IN_GALLERY },
  });
  const imagesById = new Map(images.map((image) => [image.id, image]));
  const writer = new StagedBlockWriter(options.blobs, exportBlob(row.userId, row.id), row.blockCount, settings.blockBytes);

  // What each item needs, decided up front so that downloads can be opened ahead of the writing.
  const plans = items.map((item): EntryPlan => {
    if (item.skipReason || item.name === null) return { item, skipReason: (item.skipReason as SkipReason | null) ?? 'not_found' };
    const image = imagesById.get(item.imageId);
    const file = image && storedImageFile(image, item.variant as 'original' | 'processed');
    if (!image || !file) return { item, skipReason: image ? 'not_ready' : 'deleted' };
    return { item, name: item.name, image, file };
  });
  // A few downloads open ahead, so the next blob's first bytes are on their way while this one is
  // written; each holds only its stream's small buffer until it is read.
  const downloads: (ReturnType<typeof options.blobs.openSizedReadStream> | undefined)[] = [];
  const openAhead = (from: number) => {
    for (let index = from; index < Math.min(from + DOWNLOADS_AHEAD, plans.length); index += 1) {
      const plan = plans[index]!;
      if (downloads[index] || !('file' in plan)) continue;
      const download = options.blobs.openSizedReadStream(plan.file.location);
      // Handled when its turn comes; until then a failure must not count as unhandled.
      download.catch(() => undefined);
      downloads[index] = download;
    }
  };

  const outcomes: ItemOutcome[] = [];
  let offset = Number(row.bytes);
  let chunkBytes = 0;
  try {
    for (const [index, plan] of plans.entries()) {
      if (chunkBytes >= settings.chunkBytes) break;
      if (!('file' in plan)) {
        outcomes.push(plan);
        continue;
      }
      openAhead(index);
      const source = await downloads[index]!;
      downloads[index] = undefined;
      if (!source) {
        outcomes.push({ item: plan.item, skipReason: 'missing_file' });
        continue;
      }
      const entry = { name: plan.name, date: plan.image.createdAt, size: source.size };
      const firstBlock = writer.currentBlock;
      const header = localFileHeader(entry, settings.zipLimits);
      await writer.write(header);
      let checksum = 0;
      let length = 0;
      for await (const bytes of source.stream as AsyncIterable<Buffer>) {
        checksum = crc32(bytes, checksum);
        length += bytes.length;
        await writer.write(bytes);
      }
      if (length !== source.size)
        throw new Error(`Blob ${plan.file.location.name} had ${length} bytes where ${source.size} were announced.`);
      const descriptor = dataDescriptor({ size: length, crc32: checksum }, settings.zipLimits);
      await writer.write(descriptor);
      outcomes.push({
        item: plan.item,
        offset,
        size: length,
        crc32: checksum,
        firstBlock,
        lastBlock: writer.lastWrittenBlock,
        entryDate: entry.date,
      });
      offset += header.length + length + descriptor.length;
      chunkBytes += header.length + length + descriptor.length;
    }
  } finally {
    // Downloads opened ahead for entries this chunk does not reach (or after a failure) are let go.
    for (const download of downloads)
      void download?.then(
        (source) => source?.stream.destroy(),
        () => undefined,
      );
  }
  await writer.flush();

  const done = row.done + outcomes.length;
  const recorded = await db.$transaction(async (tx) => {
    // Only from the state this run started from: a duplicate run that recorded first wins, and a
    // deleted (cancelled) export stays deleted.
    const { count } = await tx.galleryExport.updateMany({
      where: { id: row.id, status: 'running', done: row.done },
      data: { done, bytes: offset, blockCount: writer.blockCount },
    });
    if (count === 0) return false;
    if (outcomes.length > 0) await tx.$executeRaw(recordOutcomesSql(row.id, outcomes));
    return true;
  });
  if (!recorded) return { state: 'more' };
  return { state: done >= row.total ? 'complete' : 'more' };
}

/** One UPDATE that records every item of the chunk (a chunk has hundreds: one round trip, not one each). */
function recordOutcomesSql(exportId: string, outcomes: readonly ItemOutcome[]): Prisma.Sql {
  const column = <Value>(pick: (outcome: Extract<ItemOutcome, { offset: number }>) => Value) =>
    outcomes.map((outcome) => ('skipReason' in outcome ? null : pick(outcome)));
  return Prisma.sql`
    UPDATE gallery_export_items AS item
    SET skip_reason = written.skip_reason, "offset" = written."offset", size = written.size, crc32 = written.crc32,
        first_block = written.first_block, last_block = written.last_block, entry_date = written.entry_date
    FROM unnest(
      ${outcomes.map((outcome) => outcome.item.position)}::int[],
      ${outcomes.map((outcome) => ('skipReason' in outcome ? outcome.skipReason : null))}::text[],
      ${column((outcome) => outcome.offset)}::bigint[],
      ${column((outcome) => outcome.size)}::bigint[],
      ${column((outcome) => outcome.crc32)}::bigint[],
      ${column((outcome) => outcome.firstBlock)}::int[],
      ${column((outcome) => outcome.lastBlock)}::int[],
      ${column((outcome) => outcome.entryDate.toISOString())}::timestamp(3)[]
    ) AS written(position, skip_reason, "offset", size, crc32, first_block, last_block, entry_date)
    WHERE item.export_id = ${exportId} AND item.position = written.position`;
}
