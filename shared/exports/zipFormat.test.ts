import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unzip } from '../../test/support/unzip.js';
import { extractWithUnzip, testWithUnzip } from '../../test/support/unzipCli.js';
import {
  centralDirectoryHeader,
  dataDescriptor,
  endOfCentralDirectory,
  localFileHeader,
  ZIP_LIMITS,
  type ZipEntryRecord,
  type ZipLimits,
} from './zipFormat.js';

/** A whole archive from these files, as the export writes one (records in the same order). */
function archive(files: ReadonlyMap<string, Buffer>, limits: ZipLimits): Buffer {
  const parts: Buffer[] = [];
  const records: ZipEntryRecord[] = [];
  let offset = 0;
  for (const [name, bytes] of files) {
    const entry = { name, date: new Date('2026-05-01T10:20:30Z'), offset, size: bytes.length, crc32: crc32(bytes) };
    const written = [localFileHeader(entry, limits), bytes, dataDescriptor(entry, limits)];
    parts.push(...written);
    offset += written.reduce((sum, part) => sum + part.length, 0);
    records.push(entry);
  }
  const directory = records.map((entry) => centralDirectoryHeader(entry, limits));
  const size = directory.reduce((sum, record) => sum + record.length, 0);
  return Buffer.concat([...parts, ...directory, endOfCentralDirectory({ entryCount: records.length, offset, size }, limits)]);
}

describe('the export’s ZIP records, read by independent readers', () => {
  let folder: string;
  const files = new Map<string, Buffer>([
    ['plain.png', Buffer.from('not really a png, but bytes')],
    ['Été à la plage_abc.png', Buffer.alloc(70_000, 7)],
    ['empty.txt', Buffer.alloc(0)],
    ['MANIFEST.txt', Buffer.from('entry\tbytes\n')],
  ]);

  beforeAll(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'detour-zip-format-'));
  });
  afterAll(() => rm(folder, { recursive: true, force: true }));

  async function checkIndependently(zip: Buffer, label: string) {
    const zipPath = path.join(folder, `${label}.zip`);
    await writeFile(zipPath, zip);
    expect(await testWithUnzip(zipPath)).toContain('No errors detected');
    const target = path.join(folder, label);
    await extractWithUnzip(zipPath, target);
    expect((await readdir(target)).sort()).toEqual([...files.keys()].sort());
    for (const [name, bytes] of files) expect(await readFile(path.join(target, name))).toEqual(bytes);
    const read = await unzip(zip);
    expect([...read.keys()]).toEqual([...files.keys()]);
    for (const [name, bytes] of files) expect(read.get(name)).toEqual(bytes);
  }

  it('writes a plain archive within the format’s limits, with no ZIP64 record', async () => {
    const zip = archive(files, ZIP_LIMITS);
    expect(zip.includes(Buffer.from([0x50, 0x4b, 0x06, 0x06]))).toBe(false);
    await checkIndependently(zip, 'plain');
  });

  it('writes ZIP64 sizes, offsets and end records once the limits are reached (forced small)', async () => {
    const zip = archive(files, { maxValue: 1000, maxEntries: 3 });
    // The ZIP64 end record and its locator are there, and the end record points to them.
    expect(zip.includes(Buffer.from([0x50, 0x4b, 0x06, 0x06]))).toBe(true);
    expect(zip.includes(Buffer.from([0x50, 0x4b, 0x06, 0x07]))).toBe(true);
    expect(zip.readUInt16LE(zip.length - 22 + 10)).toBe(0xffff);
    await checkIndependently(zip, 'zip64');
  });

  it('marks names as UTF-8 and sizes as following the data', () => {
    const header = localFileHeader({ name: 'Été.png', date: new Date(), size: 3 }, ZIP_LIMITS);
    expect(header.readUInt16LE(6)).toBe(0x0808);
    expect(header.subarray(30).toString('utf8')).toBe('Été.png');
  });
});
