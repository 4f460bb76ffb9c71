/**
 * The ZIP records a gallery export writes (APPNOTE 6.3.10), as bytes: every entry is stored (images
 * are compressed already), named in UTF-8 (flag bit 11) and followed by a data descriptor (flag bit 3)
 * so that its CRC-32 is computed while the bytes pass through, never by reading them twice. ZIP64
 * records are written where a size, an offset or the entry count reaches its limit; the limits are
 * injectable so that a test can force ZIP64 with a few bytes.
 */

export interface ZipLimits {
  /** Sizes and offsets from this value on are written in ZIP64 fields. */
  maxValue: number;
  /** An entry count from this value on needs the ZIP64 end records. */
  maxEntries: number;
}

/** The format's own limits: 0xFFFFFFFF and 0xFFFF are markers meaning "see the ZIP64 field". */
export const ZIP_LIMITS: ZipLimits = { maxValue: 0xffffffff, maxEntries: 0xffff };

export interface ZipEntryRecord {
  name: string;
  date: Date;
  /** Where its local header starts in the archive. */
  offset: number;
  size: number;
  crc32: number;
}

const LOCAL_HEADER = 0x04034b50;
const DATA_DESCRIPTOR = 0x08074b50;
const CENTRAL_HEADER = 0x02014b50;
const ZIP64_END = 0x06064b50;
const ZIP64_LOCATOR = 0x07064b50;
const END = 0x06054b50;
const ZIP64_EXTRA = 0x0001;

/** Bit 3: sizes and CRC follow the data; bit 11: the name is UTF-8. */
const FLAGS = 0x0808;
const STORED = 0;
const VERSION_ZIP64 = 45;
const VERSION_DEFAULT = 20;
/** Made by Unix (3), so that the external attributes are a file mode: a regular file, rw-r--r--. */
const MADE_BY = (3 << 8) | VERSION_ZIP64;
const FILE_MODE = (0o100644 << 16) >>> 0;
const MAX_32 = 0xffffffff;
const MAX_16 = 0xffff;

/** Whether an entry of this size gets ZIP64 sizes (in its local header, descriptor and central record). */
function hasZip64Sizes(size: number, limits: ZipLimits): boolean {
  return size >= limits.maxValue;
}

/** The local file header; its CRC and sizes are zero (they follow in the data descriptor). */
export function localFileHeader(entry: Pick<ZipEntryRecord, 'name' | 'date' | 'size'>, limits: ZipLimits): Buffer {
  const name = Buffer.from(entry.name, 'utf8');
  const zip64 = hasZip64Sizes(entry.size, limits);
  // With bit 3 the sizes are unknown here; a ZIP64 extra (of zeros) says the descriptor's are 8 bytes.
  const extra = zip64 ? zip64Extra([0, 0]) : Buffer.alloc(0);
  const header = Buffer.alloc(30);
  header.writeUInt32LE(LOCAL_HEADER, 0);
  header.writeUInt16LE(zip64 ? VERSION_ZIP64 : VERSION_DEFAULT, 4);
  header.writeUInt16LE(FLAGS, 6);
  header.writeUInt16LE(STORED, 8);
  writeDosDateTime(header, 10, entry.date);
  header.writeUInt32LE(0, 14);
  header.writeUInt32LE(zip64 ? MAX_32 : 0, 18);
  header.writeUInt32LE(zip64 ? MAX_32 : 0, 22);
  header.writeUInt16LE(name.length, 26);
  header.writeUInt16LE(extra.length, 28);
  return Buffer.concat([header, name, extra]);
}

/** The data descriptor after an entry's bytes: 8-byte sizes when its local header has a ZIP64 extra. */
export function dataDescriptor(entry: Pick<ZipEntryRecord, 'size' | 'crc32'>, limits: ZipLimits): Buffer {
  const zip64 = hasZip64Sizes(entry.size, limits);
  const descriptor = Buffer.alloc(zip64 ? 24 : 16);
  descriptor.writeUInt32LE(DATA_DESCRIPTOR, 0);
  descriptor.writeUInt32LE(entry.crc32, 4);
  if (zip64) {
    descriptor.writeBigUInt64LE(BigInt(entry.size), 8);
    descriptor.writeBigUInt64LE(BigInt(entry.size), 16);
  } else {
    descriptor.writeUInt32LE(entry.size, 8);
    descriptor.writeUInt32LE(entry.size, 12);
  }
  return descriptor;
}

/** The entry's record in the central directory. */
export function centralDirectoryHeader(entry: ZipEntryRecord, limits: ZipLimits): Buffer {
  const name = Buffer.from(entry.name, 'utf8');
  const zip64Sizes = hasZip64Sizes(entry.size, limits);
  const zip64Offset = entry.offset >= limits.maxValue;
  const extraValues = [...(zip64Sizes ? [entry.size, entry.size] : []), ...(zip64Offset ? [entry.offset] : [])];
  const extra = extraValues.length > 0 ? zip64Extra(extraValues) : Buffer.alloc(0);
  const header = Buffer.alloc(46);
  header.writeUInt32LE(CENTRAL_HEADER, 0);
  header.writeUInt16LE(MADE_BY, 4);
  header.writeUInt16LE(extra.length > 0 ? VERSION_ZIP64 : VERSION_DEFAULT, 6);
  header.writeUInt16LE(FLAGS, 8);
  header.writeUInt16LE(STORED, 10);
  writeDosDateTime(header, 12, entry.date);
  header.writeUInt32LE(entry.crc32, 16);
  header.writeUInt32LE(zip64Sizes ? MAX_32 : entry.size, 20);
  header.writeUInt32LE(zip64Sizes ? MAX_32 : entry.size, 24);
  header.writeUInt16LE(name.length, 28);
  header.writeUInt16LE(extra.length, 30);
  header.writeUInt16LE(0, 32);
  header.writeUInt16LE(0, 34);
  header.writeUInt16LE(0, 36);
  header.writeUInt32LE(FILE_MODE, 38);
  header.writeUInt32LE(zip64Offset ? MAX_32 : entry.offset, 42);
  return Buffer.concat([header, name, extra]);
}

export interface CentralDirectory {
  entryCount: number;
  /** Where the central directory starts. */
  offset: number;
  /** Its length in bytes. */
  size: number;
}

/**
 * What follows the central directory: the end record, preceded by the ZIP64 end record and its
 * locator when the count, the directory's size or its offset reach their limits.
 */
export function endOfCentralDirectory(directory: CentralDirectory, limits: ZipLimits): Buffer {
  const manyEntries = directory.entryCount >= limits.maxEntries;
  const bigSize = directory.size >= limits.maxValue;
  const farOffset = directory.offset >= limits.maxValue;
  const records: Buffer[] = [];
  if (manyEntries || bigSize || farOffset) {
    const zip64End = Buffer.alloc(56);
    zip64End.writeUInt32LE(ZIP64_END, 0);
    zip64End.writeBigUInt64LE(44n, 4);
    zip64End.writeUInt16LE(MADE_BY, 12);
    zip64End.writeUInt16LE(VERSION_ZIP64, 14);
    zip64End.writeUInt32LE(0, 16);
    zip64End.writeUInt32LE(0, 20);
    zip64End.writeBigUInt64LE(BigInt(directory.entryCount), 24);
    zip64End.writeBigUInt64LE(BigInt(directory.entryCount), 32);
    zip64End.writeBigUInt64LE(BigInt(directory.size), 40);
    zip64End.writeBigUInt64LE(BigInt(directory.offset), 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(ZIP64_LOCATOR, 0);
    locator.writeUInt32LE(0, 4);
    locator.writeBigUInt64LE(BigInt(directory.offset + directory.size), 8);
    locator.writeUInt32LE(1, 16);
    records.push(zip64End, locator);
  }
  const end = Buffer.alloc(22);
  end.writeUInt32LE(END, 0);
  end.writeUInt16LE(0, 4);
  end.writeUInt16LE(0, 6);
  end.writeUInt16LE(manyEntries ? MAX_16 : directory.entryCount, 8);
  end.writeUInt16LE(manyEntries ? MAX_16 : directory.entryCount, 10);
  end.writeUInt32LE(bigSize ? MAX_32 : directory.size, 12);
  end.writeUInt32LE(farOffset ? MAX_32 : directory.offset, 16);
  end.writeUInt16LE(0, 20);
  records.push(end);
  return Buffer.concat(records);
}

/** The ZIP64 extended information extra field with these 8-byte values, in the order the format fixes. */
function zip64Extra(values: readonly number[]): Buffer {
  const extra = Buffer.alloc(4 + 8 * values.length);
  extra.writeUInt16LE(ZIP64_EXTRA, 0);
  extra.writeUInt16LE(8 * values.length, 2);
  values.forEach((value, index) => extra.writeBigUInt64LE(BigInt(value), 4 + 8 * index));
  return extra;
}

/** MS-DOS time and date (UTC; 2-second steps, years 1980–2107). */
function writeDosDateTime(target: Buffer, at: number, date: Date): void {
  const year = Math.min(Math.max(date.getUTCFullYear(), 1980), 2107);
  const time = (date.getUTCHours() << 11) | (date.getUTCMinutes() << 5) | Math.floor(date.getUTCSeconds() / 2);
  const day = ((year - 1980) << 9) | ((date.getUTCMonth() + 1) << 5) | date.getUTCDate();
  target.writeUInt16LE(time, at);
  target.writeUInt16LE(day, at + 2);
}
