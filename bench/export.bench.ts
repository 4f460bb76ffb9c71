import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { startAzurite } from '../devhost/azurite.js';
import { createDatabaseClient, type Database } from '../shared/db/index.js';
import { DEFAULT_EXPORT_WRITE, type ExportWriteSettings } from '../shared/exports/exportContract.js';
import { finishExport } from '../shared/exports/finishExport.js';
import { planExport } from '../shared/exports/planExport.js';
import { writeExportChunk } from '../shared/exports/writeExportChunk.js';
import { ZIP_LIMITS } from '../shared/exports/zipFormat.js';
import { newImageId } from '../shared/images/newImageId.js';
import { exportBlob, originalBlob, processedBlob } from '../shared/storage/blobPaths.js';
import { BlobStore } from '../shared/storage/blobStore.js';
import { testWithUnzip } from '../test/support/unzipCli.js';
import type { Benchmark, ResultRow } from './support/benchmark.js';
import { createBenchDatabase } from './support/benchDatabase.js';
import { onCleanup } from './support/cleanup.js';
import { markMemory, peakSince } from './support/memory.js';
import { intSetting } from './support/settings.js';

/**
 * Background gallery exports (`shared/exports/`): the orchestration's activities (plan, chunks, finish)
 * run one after the other in this process, as the host would run them, against Azurite (blobs on disk)
 * and a database of the benchmark's own. Two cases: many images (10 000 by default), and an archive
 * past 4 GiB (a few large files, so that ZIP64 sizes and offsets are written for real). Throughput is
 * archive bytes over the export's wall time; memory is this process's peak RSS above its resident size
 * when the export starts (flat: one staged block, 8 MiB, whatever the archive). Each archive is then
 * downloaded to disk and checked with Info-ZIP's `unzip -t`. `BENCH_EXPORT_ZIP64_AT` lowers the ZIP64
 * threshold so that a small smoke run writes ZIP64 records too.
 */

const USER_ID = 'bench-export';

interface ExportCase {
  label: string;
  files: number;
  fileBytes: number;
}

/** Blobs of pseudo-random bytes (an export does not look inside), staged in 8 MiB blocks so a large one never sits in memory. */
async function seedBlobs(db: Database, blobs: BlobStore, exportCase: ExportCase, progress: (message: string) => void): Promise<void> {
  const block = randomBytes(Math.min(exportCase.fileBytes, DEFAULT_EXPORT_WRITE.blockBytes));
  const ids = Array.from({ length: exportCase.files }, (_, index) => newImageId(Date.now() - index * 1000));
  const seedOne = async (id: string) => {
    const location = processedBlob(USER_ID, id);
    const blockIds: string[] = [];
    for (let offset = 0; offset < exportCase.fileBytes; offset += block.length) {
      const blockId = Buffer.from(`seed-${blockIds.length.toString().padStart(8, '0')}`).toString('base64');
      await blobs.stageBlock(location, blockId, block.subarray(0, Math.min(block.length, exportCase.fileBytes - offset)));
      blockIds.push(blockId);
    }
    await blobs.commitBlocks(location, blockIds, 'image/png');
  };
  const concurrency = exportCase.fileBytes > 64 * 1024 * 1024 ? 1 : 16;
  for (let start = 0; start < ids.length; start += concurrency) {
    await Promise.all(ids.slice(start, start + concurrency).map(seedOne));
    if ((start / concurrency) % 50 === 0)
      progress(`${exportCase.label}: seeded ${Math.min(start + concurrency, ids.length)} of ${ids.length}`);
  }
  await db.userImage.createMany({
    data: ids.map((id, index) => ({
      id,
      userId: USER_ID,
      title: `${exportCase.label} ${index + 1}`,
      status: 'ready' as const,
      originalName: `photo-${index + 1}.jpg`,
      fileType: 'image/jpeg',
      fileSize: BigInt(exportCase.fileBytes),
      originalPath: originalBlob(USER_ID, id, 'image/jpeg').name,
      processedPath: processedBlob(USER_ID, id).name,
      processedSize: BigInt(exportCase.fileBytes),
      createdAt: new Date(Date.now() - index * 1000),
    })),
  });
}

async function runCase(
  db: Database,
  blobs: BlobStore,
  folder: string,
  exportCase: ExportCase,
  settings: ExportWriteSettings,
  progress: (message: string) => void,
): Promise<{ rows: ResultRow[]; details: Record<string, unknown> }> {
  await db.userImage.deleteMany({ where: { userId: USER_ID } });
  await seedBlobs(db, blobs, exportCase, progress);
  const row = await db.galleryExport.create({ data: { userId: USER_ID, variant: 'processed', selection: { filter: {} } } });

  progress(`${exportCase.label}: exporting ${exportCase.files} files of ${(exportCase.fileBytes / 1e6).toFixed(1)} MB`);
  const mark = markMemory('self');
  const started = performance.now();
  await planExport({ db, exportId: row.id });
  let chunks = 0;
  for (;;) {
    chunks += 1;
    if ((await writeExportChunk({ db, blobs, exportId: row.id, settings })).state !== 'more') break;
  }
  await finishExport({ db, blobs, exportId: row.id, settings, ttlHours: 24 });
  const ms = performance.now() - started;
  const memory = peakSince(mark);
  const done = await db.galleryExport.findUniqueOrThrow({ where: { id: row.id } });
  if (done.status !== 'ready') throw new Error(`The export ended ${done.status}.`);
  const archiveBytes = Number(done.bytes);

  progress(`${exportCase.label}: downloading ${(archiveBytes / 1e6).toFixed(0)} MB for unzip -t`);
  const zipPath = path.join(folder, `${exportCase.label}.zip`);
  await pipeline(await blobs.openReadStream(exportBlob(USER_ID, row.id)), createWriteStream(zipPath));
  const report = await testWithUnzip(zipPath);
  const unzipOk = report.includes('No errors detected');
  if (!unzipOk) throw new Error(`unzip -t found errors:\n${report.slice(-2000)}`);
  const zip64 = archiveBytes >= settings.zipLimits.maxValue || exportCase.files + 1 >= settings.zipLimits.maxEntries;
  await rm(zipPath, { force: true });
  await blobs.delete(exportBlob(USER_ID, row.id));
  await db.galleryExport.delete({ where: { id: row.id } });

  const size = `${exportCase.files} × ${(exportCase.fileBytes / 1e6).toFixed(1)} MB = ${(archiveBytes / 1e6).toFixed(0)} MB archive`;
  return {
    rows: [
      {
        metric: `${exportCase.label} (${size}): throughput`,
        value: archiveBytes / 1e6 / (ms / 1000),
        unit: 'MB/s',
        detail: `${chunks} chunks`,
      },
      {
        metric: `${exportCase.label}: peak RSS of the exporting process above its size at the start`,
        value: memory.addedMiB,
        unit: 'MiB',
        detail: `peak ${memory.peakRssMiB.toFixed(0)} MiB`,
      },
      { metric: `${exportCase.label}: unzip -t${zip64 ? ' (ZIP64)' : ''}`, value: unzipOk ? 1 : 0, unit: 'ok' },
    ],
    details: { ms, archiveBytes, chunks, blockCount: done.blockCount, memory },
  };
}

const exportBench: Benchmark = {
  name: 'export',
  title: 'Background gallery export: MB/s, peak memory, unzip -t (ZIP64 included)',
  needsBuild: false,
  async run(progress) {
    const parameters = {
      images: intSetting('BENCH_EXPORT_IMAGES', 10_000),
      imageBytes: intSetting('BENCH_EXPORT_IMAGE_BYTES', 300_000),
      largeFiles: intSetting('BENCH_EXPORT_LARGE_FILES', 3),
      largeFileMiB: intSetting('BENCH_EXPORT_LARGE_FILE_MIB', 1600),
      zip64At: intSetting('BENCH_EXPORT_ZIP64_AT', ZIP_LIMITS.maxValue),
    };
    const settings: ExportWriteSettings = { ...DEFAULT_EXPORT_WRITE, zipLimits: { ...ZIP_LIMITS, maxValue: parameters.zip64At } };
    const folder = await mkdtemp(path.join(os.tmpdir(), 'detour-bench-export-'));
    const removeFolder = onCleanup(() => rm(folder, { recursive: true, force: true }));
    const azurite = await startAzurite({ location: path.join(folder, 'azurite') });
    const stopAzurite = onCleanup(() => azurite.stop());
    const database = await createBenchDatabase('export');
    const db = createDatabaseClient(database.url, { poolSize: 4 });
    try {
      const blobs = BlobStore.fromSettings({ connectionString: azurite.connectionString });
      await db.user.create({ data: { id: USER_ID, quota: { create: { storageLimit: 1n << 50n, imageLimit: 1_000_000 } } } });
      const many = await runCase(
        db,
        blobs,
        folder,
        { label: 'many images', files: parameters.images, fileBytes: parameters.imageBytes },
        settings,
        progress,
      );
      const large = await runCase(
        db,
        blobs,
        folder,
        { label: 'large archive', files: parameters.largeFiles, fileBytes: parameters.largeFileMiB * 1024 * 1024 },
        settings,
        progress,
      );
      return {
        parameters: { ...parameters, ...settings },
        rows: [...many.rows, ...large.rows],
        details: { many: many.details, large: large.details },
      };
    } finally {
      await db.$disconnect();
      await database.drop();
      await stopAzurite();
      await removeFolder();
    }
  },
};

export default exportBench;
