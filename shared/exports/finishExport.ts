import { crc32 } from 'node:zlib';
import type { Database, GalleryExport, GalleryExportItem } from '../db/index.js';
import { exportBlob } from '../storage/blobPaths.js';
import type { BlobStore } from '../storage/blobStore.js';
import { enqueueExportEvent } from '../webhooks/enqueueExportEvent.js';
import type { ExportWriteSettings, FinishExportResult } from './exportContract.js';
import { exportBlockId, StagedBlockWriter } from './stagedBlockWriter.js';
import { centralDirectoryHeader, dataDescriptor, endOfCentralDirectory, localFileHeader, type ZipEntryRecord } from './zipFormat.js';

export interface FinishExportOptions {
  db: Database;
  blobs: Pick<BlobStore, 'stageBlock' | 'commitBlocks' | 'delete'>;
  exportId: string;
  settings: ExportWriteSettings;
  ttlHours: number;
  now?: Date;
}

export const MANIFEST_NAME = 'MANIFEST.txt';

/** Items read per page while the manifest and the central directory are written. */
const ITEM_PAGE = 1000;

/**
 * Ends an export whose items are all written or skipped: stages `MANIFEST.txt` (every entry, every
 * skipped image and why), the central directory (paged from the recorded entries) and the end records
 * after the last chunk's blocks, commits the block list — the archive appears whole or not at all —
 * and marks the export ready with its `export.ready` event in one transaction. A re-run restages the
 * same blocks; one that finds the export deleted meanwhile removes the blob it committed.
 */
export async function finishExport(options: FinishExportOptions): Promise<FinishExportResult> {
  const { db, settings } = options;
  const now = options.now ?? new Date();
  const row = await db.galleryExport.findUnique({ where: { id: options.exportId } });
  if (row?.status === 'ready') return { state: 'ready' };
  if (row?.status !== 'running') return { state: 'stopped' };
  if (row.done < row.total) throw new Error(`Export ${row.id} is not fully written (${row.done} of ${row.total}).`);

  const location = exportBlob(row.userId, row.id);
  const writer = new StagedBlockWriter(options.blobs, location, row.blockCount, settings.blockBytes);
  let offset = Number(row.bytes);

  const manifestSize = await countBytes(manifestLines(db, row));
  const manifest = { name: MANIFEST_NAME, date: now, offset, size: manifestSize, crc32: 0 };
  const manifestHeader = localFileHeader(manifest, settings.zipLimits);
  await writer.write(manifestHeader);
  for await (const line of manifestLines(db, row)) {
    manifest.crc32 = crc32(line, manifest.crc32);
    await writer.write(line);
  }
  const manifestDescriptor = dataDescriptor(manifest, settings.zipLimits);
  await writer.write(manifestDescriptor);
  offset += manifestHeader.length + manifestSize + manifestDescriptor.length;

  const directoryOffset = offset;
  let entryCount = 0;
  for await (const item of writtenItems(db, row.id)) {
    const record = centralDirectoryHeader(toEntryRecord(item), settings.zipLimits);
    await writer.write(record);
    offset += record.length;
    entryCount += 1;
  }
  const manifestRecord = centralDirectoryHeader(manifest, settings.zipLimits);
  await writer.write(manifestRecord);
  offset += manifestRecord.length;
  entryCount += 1;
  const end = endOfCentralDirectory({ entryCount, offset: directoryOffset, size: offset - directoryOffset }, settings.zipLimits);
  await writer.write(end);
  offset += end.length;
  await writer.flush();

  const blockIds = Array.from({ length: writer.blockCount }, (_, index) => exportBlockId(index));
  await options.blobs.commitBlocks(location, blockIds, 'application/zip');

  const expiresAt = new Date(now.getTime() + options.ttlHours * 3_600_000);
  const ready = await db.$transaction(async (tx) => {
    const { count } = await tx.galleryExport.updateMany({
      where: { id: row.id, status: 'running' },
      data: { status: 'ready', bytes: offset, blockCount: writer.blockCount, readyAt: now, expiresAt },
    });
    if (count === 0) return false;
    await enqueueExportEvent(tx, 'export.ready', await tx.galleryExport.findUniqueOrThrow({ where: { id: row.id } }), now);
    return true;
  });
  if (!ready) {
    await options.blobs.delete(location);
    return { state: 'stopped' };
  }
  return { state: 'ready' };
}

function toEntryRecord(item: GalleryExportItem): ZipEntryRecord {
  return {
    name: item.name!,
    date: item.entryDate!,
    offset: Number(item.offset),
    size: Number(item.size),
    crc32: Number(item.crc32),
  };
}

/** The export's items in archive order, a page at a time. */
async function* itemPages(db: Database, exportId: string, written: boolean): AsyncGenerator<GalleryExportItem> {
  let after = -1;
  for (;;) {
    const page = await db.galleryExportItem.findMany({
      where: { exportId, position: { gt: after }, skipReason: written ? null : { not: null } },
      orderBy: { position: 'asc' },
      take: ITEM_PAGE,
    });
    yield* page;
    if (page.length < ITEM_PAGE) return;
    after = page.at(-1)!.position;
  }
}

function writtenItems(db: Database, exportId: string): AsyncGenerator<GalleryExportItem> {
  return itemPages(db, exportId, true);
}

/** `MANIFEST.txt`, line by line: a heading, each entry with its size and CRC-32, each skipped image and why. */
async function* manifestLines(db: Database, row: GalleryExport): AsyncGenerator<Buffer> {
  const line = (text: string) => Buffer.from(`${text}\n`, 'utf8');
  yield line(`detour gallery export ${row.id}`);
  yield line(`created ${row.createdAt.toISOString()}, variant ${row.variant}`);
  yield line('');
  yield line('entry\tbytes\tcrc32');
  for await (const item of writtenItems(db, row.id)) {
    yield line(`${item.name}\t${item.size}\t${Number(item.crc32).toString(16).padStart(8, '0')}`);
  }
  yield line('');
  yield line('skipped image\tfile\treason');
  for await (const item of itemPages(db, row.id, false)) yield line(`${item.imageId}\t${item.variant}\t${item.skipReason}`);
}

async function countBytes(lines: AsyncIterable<Buffer>): Promise<number> {
  let total = 0;
  for await (const bytes of lines) total += bytes.length;
  return total;
}
