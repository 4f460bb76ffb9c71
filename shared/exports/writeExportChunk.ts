import { crc32 } from 'node:zlib';
import type { Database, GalleryExportItem } from '../db/index.js';
import { storedImageFile } from '../images/storedImageFile.js';
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
    where: { userId: row.userId, id: { in: [...new Set(items.map((item) => item.imageId))] }, deletedAt: null },
  });
  const imagesById = new Map(images.map((image) => [image.id, image]));
  const writer = new StagedBlockWriter(options.blobs, exportBlob(row.userId, row.id), row.blockCount, settings.blockBytes);

  const outcomes: ItemOutcome[] = [];
  let offset = Number(row.bytes);
  let chunkBytes = 0;
  for (const item of items) {
    if (chunkBytes >= settings.chunkBytes) break;
    if (item.skipReason || item.name === null) {
      outcomes.push({ item, skipReason: (item.skipReason as SkipReason | null) ?? 'not_found' });
      continue;
    }
    const image = imagesById.get(item.imageId);
    const file = image && storedImageFile(image, item.variant as 'original' | 'processed');
    if (!image || !file) {
      outcomes.push({ item, skipReason: image ? 'not_ready' : 'deleted' });
      continue;
    }
    const source = await options.blobs.openSizedReadStream(file.location);
    if (!source) {
      outcomes.push({ item, skipReason: 'missing_file' });
      continue;
    }
    const entry = { name: item.name, date: image.createdAt, size: source.size };
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
    if (length !== source.size) throw new Error(`Blob ${file.location.name} had ${length} bytes where ${source.size} were announced.`);
    const descriptor = dataDescriptor({ size: length, crc32: checksum }, settings.zipLimits);
    await writer.write(descriptor);
    outcomes.push({ item, offset, size: length, crc32: checksum, firstBlock, lastBlock: writer.lastWrittenBlock, entryDate: entry.date });
    offset += header.length + length + descriptor.length;
    chunkBytes += header.length + length + descriptor.length;
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
    for (const outcome of outcomes) {
      await tx.galleryExportItem.update({
        where: { exportId_position: { exportId: row.id, position: outcome.item.position } },
        data:
          'skipReason' in outcome
            ? { skipReason: outcome.skipReason }
            : {
                offset: outcome.offset,
                size: outcome.size,
                crc32: outcome.crc32,
                firstBlock: outcome.firstBlock,
                lastBlock: outcome.lastBlock,
                entryDate: outcome.entryDate,
              },
      });
    }
    return true;
  });
  if (!recorded) return { state: 'more' };
  return { state: done >= row.total ? 'complete' : 'more' };
}
