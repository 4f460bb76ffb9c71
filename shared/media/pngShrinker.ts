import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import zlib from 'node:zlib';
import { UndecodableImageError, type ShrunkImage } from './imageMedia.js';

/**
 * Reads a PNG as it arrives and keeps only a copy shrunk by a whole factor, so that the pipeline has the
 * cut-out's reduced pixels when its last byte comes in instead of decoding the whole file after it
 * (sharp gathers a stream input whole before libvips starts; a 12 MP cut-out is 40 MB of PNG and 48 MB
 * of pixels). Each row is inflated (zlib, off the main thread), unfiltered, and averaged into blocks of
 * `factor` × `factor` pixels weighted by their alpha, as libvips' shrink does with premultiplied alpha;
 * memory is two rows and the shrunk image, whatever the size.
 *
 * Only what a background remover sends is read here: 8-bit RGBA or RGB, not interlaced, with no
 * colour profile, EXIF orientation or colour key. Anything else is `unsupported` (sharp then decodes
 * the stored file); a file that breaks the format (bad signature or checksum, corrupt or truncated
 * data, too many pixels) is an `UndecodableImageError`.
 */

export type PngShrinkResult = { kind: 'shrunk'; image: ShrunkImage } | { kind: 'unsupported'; reason: string };

export interface PngShrinkerOptions {
  /** The largest side the caller will reduce to: the factor is the whole part of the reduction to it. */
  fitWithin: number;
  maxPixels: number;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** Compressed bytes handed to zlib at once: one write per socket chunk would cost a thread-pool trip per 64 KB. */
const INFLATE_BATCH_BYTES = 512 * 1024;
const INFLATE_CHUNK_BYTES = 1024 * 1024;
const INFLATE_BACKLOG_BYTES = 4 * 1024 * 1024;
/** Chunks that change how pixels must be read: a colour profile, EXIF (orientation), a colour key. */
const UNSUPPORTED_CHUNKS: Record<string, string> = { iCCP: 'a colour profile', eXIf: 'EXIF data', tRNS: 'a transparent colour' };
/** The longest chunk the format allows (2^31 − 1). */
const MAX_CHUNK_LENGTH = 0x7fffffff;

function undecodable(message: string, cause?: unknown): UndecodableImageError {
  return new UndecodableImageError(`The PNG cannot be read: ${message}`, cause === undefined ? undefined : { cause });
}

export class PngShrinker {
  readonly #options: PngShrinkerOptions;
  /** Bytes of the signature or of a chunk's 8-byte header or 4-byte CRC not yet complete. */
  #partial = Buffer.alloc(0);
  #signatureRead = false;
  /** The chunk being read: its type, the data bytes still to come, the CRC so far. */
  #chunk: { type: string; remaining: number; crc: number; data: Buffer[] } | undefined;
  #awaitingCrc: { type: string; crc: number; data: Buffer | undefined } | undefined;
  #ended = false;
  #unsupported: string | undefined;
  #failure: Error | undefined;
  #rows: RowReducer | undefined;
  #inflate: zlib.Inflate | undefined;
  #inflated: Promise<void> | undefined;
  #batch: Buffer[] = [];
  #batchBytes = 0;

  constructor(options: PngShrinkerOptions) {
    this.#options = options;
  }

  /** Takes the next bytes of the file; resolves when zlib can take more. */
  async write(bytes: Buffer): Promise<void> {
    this.#throwIfFailed();
    if (this.#unsupported !== undefined || this.#ended) return;
    let offset = 0;
    while (offset < bytes.length && this.#unsupported === undefined && !this.#ended) offset = this.#consume(bytes, offset);
    if (this.#batchBytes >= INFLATE_BATCH_BYTES) await this.#flushBatch();
    this.#throwIfFailed();
  }

  /** After the last byte: the shrunk image, or why this file is left to sharp. */
  async end(): Promise<PngShrinkResult> {
    this.#throwIfFailed();
    if (this.#unsupported !== undefined) return { kind: 'unsupported', reason: this.#unsupported };
    if (!this.#ended) throw undecodable('the file ends before its IEND chunk.');
    await this.#flushBatch();
    this.#inflate?.end();
    await this.#inflated;
    this.#throwIfFailed();
    const rows = this.#rows;
    if (!rows) throw undecodable('it has no image data.');
    return { kind: 'shrunk', image: rows.finish() };
  }

  /** Stops reading (the caller gave up on the file): zlib's stream is released. */
  abandon(): void {
    this.#unsupported ??= 'abandoned';
    this.#inflate?.destroy();
  }

  #throwIfFailed(): void {
    if (this.#failure) throw this.#failure;
  }

  /** Parses from `offset`; returns the offset after what it used. */
  #consume(bytes: Buffer, offset: number): number {
    if (this.#chunk) return this.#consumeChunkData(bytes, offset);
    const needed = !this.#signatureRead ? 8 : this.#awaitingCrc ? 4 : 8;
    const take = Math.min(needed - this.#partial.length, bytes.length - offset);
    this.#partial = Buffer.concat([this.#partial, bytes.subarray(offset, offset + take)]);
    if (this.#partial.length < needed) return offset + take;
    const complete = this.#partial;
    this.#partial = Buffer.alloc(0);
    if (!this.#signatureRead) {
      if (!complete.equals(SIGNATURE)) throw undecodable('it does not start with the PNG signature.');
      this.#signatureRead = true;
    } else if (this.#awaitingCrc) {
      this.#checkCrc(complete.readUInt32BE(0));
    } else {
      this.#startChunk(complete.readUInt32BE(0), complete.toString('latin1', 4, 8));
    }
    return offset + take;
  }

  #startChunk(length: number, type: string): void {
    if (length > MAX_CHUNK_LENGTH || !/^[A-Za-z]{4}$/.test(type)) throw undecodable('a chunk header is corrupt.');
    const crc = zlib.crc32(type);
    if (this.#rows === undefined && type !== 'IHDR') throw undecodable('the first chunk is not IHDR.');
    // Checked before its data is gathered: a header claiming gigabytes must not be read into memory.
    if (type === 'IHDR' && length !== 13) throw undecodable('its IHDR chunk is not 13 bytes long.');
    if (UNSUPPORTED_CHUNKS[type]) {
      this.#unsupported = `it carries ${UNSUPPORTED_CHUNKS[type]} (${type})`;
      return;
    }
    this.#chunk = { type, remaining: length, crc, data: [] };
    if (length === 0) this.#endChunkData();
  }

  #consumeChunkData(bytes: Buffer, offset: number): number {
    const chunk = this.#chunk!;
    const take = Math.min(chunk.remaining, bytes.length - offset);
    const slice = bytes.subarray(offset, offset + take);
    chunk.crc = zlib.crc32(slice, chunk.crc);
    chunk.remaining -= take;
    if (chunk.type === 'IDAT') {
      this.#batch.push(slice);
      this.#batchBytes += take;
    } else if (chunk.type === 'IHDR') {
      chunk.data.push(slice);
    }
    if (chunk.remaining === 0) this.#endChunkData();
    return offset + take;
  }

  #endChunkData(): void {
    const chunk = this.#chunk!;
    this.#chunk = undefined;
    this.#awaitingCrc = { type: chunk.type, crc: chunk.crc, data: chunk.type === 'IHDR' ? Buffer.concat(chunk.data) : undefined };
  }

  #checkCrc(stored: number): void {
    const chunk = this.#awaitingCrc!;
    this.#awaitingCrc = undefined;
    if (stored !== chunk.crc) throw undecodable(`the checksum of a ${chunk.type} chunk does not match.`);
    if (chunk.type === 'IHDR') this.#readHeader(chunk.data!);
    else if (chunk.type === 'IEND') this.#ended = true;
  }

  #readHeader(header: Buffer): void {
    if (this.#rows) throw undecodable('it has two IHDR chunks.');
    const width = header.readUInt32BE(0);
    const height = header.readUInt32BE(4);
    const [bitDepth, colourType, compression, filter, interlace] = header.subarray(8);
    if (!width || !height) throw undecodable('it has no pixels.');
    if (width * height > this.#options.maxPixels)
      throw undecodable(`it has ${width}×${height} pixels, more than the ${this.#options.maxPixels} allowed.`);
    if (compression !== 0 || filter !== 0) throw undecodable('it names an unknown compression or filter method.');
    if (bitDepth !== 8 || (colourType !== 6 && colourType !== 2) || interlace !== 0) {
      this.#unsupported = `it is not 8-bit RGBA or RGB without interlacing (depth ${bitDepth}, colour type ${colourType}, interlace ${interlace})`;
      return;
    }
    const factor = Math.max(1, Math.floor(Math.max(width, height) / this.#options.fitWithin));
    this.#rows = new RowReducer(width, height, colourType === 6 ? 4 : 3, factor);
    const inflate = zlib.createInflate({ chunkSize: INFLATE_CHUNK_BYTES });
    this.#inflate = inflate;
    const rows = this.#rows;
    // Listeners run as the stream emits, so the failure is recorded before any awaiting code resumes.
    inflate.on('error', (cause) => {
      this.#failure ??= undecodable('its image data is corrupt.', cause);
    });
    // Rows are unfiltered in a task of their own, so that zlib inflates the next megabyte meanwhile
    // (a 'data' listener would run before the stream schedules more work).
    const queued: Buffer[] = [];
    let draining: Promise<void> | undefined;
    const drainQueue = () =>
      new Promise<void>((resolve) =>
        setImmediate(() => {
          try {
            while (queued.length > 0 && !this.#failure) rows.take(queued.shift()!);
          } catch (error) {
            this.#failure ??= error as Error;
            inflate.destroy();
          }
          draining = undefined;
          resolve();
        }),
      );
    inflate.on('data', (data: Buffer) => {
      queued.push(data);
      draining ??= drainQueue();
    });
    // Settles however the stream ends (its end, an error, or destroy()), and after the last rows are
    // unfiltered; a failure is in #failure.
    this.#inflated = finished(inflate)
      .catch(() => undefined)
      .then(() => draining);
  }

  async #flushBatch(): Promise<void> {
    const inflate = this.#inflate;
    if (!inflate || this.#batchBytes === 0) return;
    const batch = this.#batch.length === 1 ? this.#batch[0]! : Buffer.concat(this.#batch, this.#batchBytes);
    this.#batch = [];
    this.#batchBytes = 0;
    inflate.write(batch);
    // Waiting for every write would stop the reading while zlib works; a bounded backlog lets both run.
    if (inflate.writableLength > INFLATE_BACKLOG_BYTES) await Promise.race([once(inflate, 'drain').catch(() => undefined), this.#inflated]);
  }
}

/**
 * Unfilters the inflated rows (PNG filter types 0–4) and sums each `factor` × `factor` block: colour
 * weighted by alpha, alpha itself, and the count (the last blocks of a row or column can be smaller).
 * A row that lies whole in one inflated chunk is worked on in place (zlib hands out fresh buffers); only
 * a row split between two chunks is copied together.
 */
class RowReducer {
  readonly #rowBytes: number;
  /** The row above the current one, filter byte first (zeros above the first row). */
  #previous: Uint8Array;
  /** Where a row split between chunks is put together; two, as the previous row may be one of them. */
  #spliced: [Uint8Array, Uint8Array];
  /** Bytes of a split row received so far, its filter-type byte included. */
  #filled = 0;
  #row = 0;
  readonly #sums: Float64Array;
  readonly #pixels: Buffer;
  readonly #shrunkWidth: number;
  readonly #shrunkHeight: number;

  constructor(
    readonly width: number,
    readonly height: number,
    readonly channels: 3 | 4,
    readonly factor: number,
  ) {
    this.#rowBytes = width * channels + 1;
    this.#previous = new Uint8Array(this.#rowBytes);
    this.#spliced = [new Uint8Array(this.#rowBytes), new Uint8Array(this.#rowBytes)];
    this.#shrunkWidth = Math.ceil(width / factor);
    this.#shrunkHeight = Math.ceil(height / factor);
    this.#sums = new Float64Array(this.#shrunkWidth * 4);
    this.#pixels = Buffer.alloc(this.#shrunkWidth * this.#shrunkHeight * 4);
  }

  take(data: Buffer): void {
    const rowBytes = this.#rowBytes;
    let offset = 0;
    if (this.#filled > 0) {
      const spliced = this.#splicedBuffer();
      const take = Math.min(rowBytes - this.#filled, data.length);
      spliced.set(data.subarray(0, take), this.#filled);
      this.#filled += take;
      offset = take;
      if (this.#filled < rowBytes) return;
      this.#filled = 0;
      this.#takeRow(spliced);
    }
    while (data.length - offset >= rowBytes) {
      this.#takeRow(data.subarray(offset, offset + rowBytes));
      offset += rowBytes;
    }
    if (offset < data.length) {
      if (this.#row === this.height) throw undecodable('its image data is longer than its rows.');
      this.#splicedBuffer().set(data.subarray(offset));
      this.#filled = data.length - offset;
    }
  }

  finish(): ShrunkImage {
    if (this.#row !== this.height || this.#filled > 0) throw undecodable(`its image data ends after ${this.#row} of ${this.height} rows.`);
    return {
      width: this.width,
      height: this.height,
      pixels: this.#pixels,
      shrunkWidth: this.#shrunkWidth,
      shrunkHeight: this.#shrunkHeight,
    };
  }

  /** The splice buffer that is not the previous row. */
  #splicedBuffer(): Uint8Array {
    return this.#spliced[0] === this.#previous ? this.#spliced[1] : this.#spliced[0];
  }

  #takeRow(row: Uint8Array): void {
    if (this.#row === this.height) throw undecodable('its image data is longer than its rows.');
    this.#unfilter(row);
    if (this.channels === 4) this.#accumulateRgba(row);
    else this.#accumulateRgb(row);
    this.#previous = row;
    this.#row += 1;
    if (this.#row % this.factor === 0 || this.#row === this.height) this.#emitShrunkRow();
  }

  /** Reverses the row's filter in place (byte 0 is the filter type, the pixels follow). */
  #unfilter(row: Uint8Array): void {
    const above = this.#previous;
    const bpp = this.channels;
    const end = this.#rowBytes;
    switch (row[0]) {
      case 0:
        return;
      case 1:
        for (let i = 1 + bpp; i < end; i++) row[i] = (row[i]! + row[i - bpp]!) & 255;
        return;
      case 2:
        for (let i = 1; i < end; i++) row[i] = (row[i]! + above[i]!) & 255;
        return;
      case 3:
        for (let i = 1; i <= bpp; i++) row[i] = (row[i]! + (above[i]! >> 1)) & 255;
        for (let i = 1 + bpp; i < end; i++) row[i] = (row[i]! + ((row[i - bpp]! + above[i]!) >> 1)) & 255;
        return;
      case 4:
        for (let i = 1; i <= bpp; i++) row[i] = (row[i]! + above[i]!) & 255;
        for (let i = 1 + bpp; i < end; i++) {
          const left = row[i - bpp]!;
          const up = above[i]!;
          const upLeft = above[i - bpp]!;
          const toLeft = Math.abs(up - upLeft);
          const toUp = Math.abs(left - upLeft);
          const toUpLeft = Math.abs(left + up - 2 * upLeft);
          const predicted = toLeft <= toUp && toLeft <= toUpLeft ? left : toUp <= toUpLeft ? up : upLeft;
          row[i] = (row[i]! + predicted) & 255;
        }
        return;
      default:
        throw undecodable(`a row has the unknown filter type ${row[0]}.`);
    }
  }

  #accumulateRgba(row: Uint8Array): void {
    const sums = this.#sums;
    const { factor, width } = this;
    for (let x = 0, i = 1, block = 0; x < width; block += 4) {
      const blockEnd = Math.min(x + factor, width);
      let red = 0;
      let green = 0;
      let blue = 0;
      let alpha = 0;
      for (; x < blockEnd; x++, i += 4) {
        const weight = row[i + 3]!;
        red += row[i]! * weight;
        green += row[i + 1]! * weight;
        blue += row[i + 2]! * weight;
        alpha += weight;
      }
      sums[block] = sums[block]! + red;
      sums[block + 1] = sums[block + 1]! + green;
      sums[block + 2] = sums[block + 2]! + blue;
      sums[block + 3] = sums[block + 3]! + alpha;
    }
  }

  /** Opaque pixels: each weighs 255, as in RGBA. */
  #accumulateRgb(row: Uint8Array): void {
    const sums = this.#sums;
    const { factor, width } = this;
    for (let x = 0, i = 1, block = 0; x < width; block += 4) {
      const blockEnd = Math.min(x + factor, width);
      const count = blockEnd - x;
      let red = 0;
      let green = 0;
      let blue = 0;
      for (; x < blockEnd; x++, i += 3) {
        red += row[i]!;
        green += row[i + 1]!;
        blue += row[i + 2]!;
      }
      sums[block] = sums[block]! + red * 255;
      sums[block + 1] = sums[block + 1]! + green * 255;
      sums[block + 2] = sums[block + 2]! + blue * 255;
      sums[block + 3] = sums[block + 3]! + 255 * count;
    }
  }

  /** Writes the finished shrunk row: colour = weighted sum ÷ alpha sum, alpha = its mean, rounded half up. */
  #emitShrunkRow(): void {
    const sums = this.#sums;
    const pixels = this.#pixels;
    const { factor, width } = this;
    const shrunkRow = Math.ceil(this.#row / factor) - 1;
    const rowsInBlock = this.#row - shrunkRow * factor;
    const fullBlock = factor * rowsInBlock;
    const lastBlock = sums.length - 4;
    let offset = shrunkRow * this.#shrunkWidth * 4;
    for (let block = 0; block < sums.length; block += 4, offset += 4) {
      const alpha = sums[block + 3]!;
      if (alpha > 0) {
        pixels[offset] = sums[block]! / alpha + 0.5;
        pixels[offset + 1] = sums[block + 1]! / alpha + 0.5;
        pixels[offset + 2] = sums[block + 2]! / alpha + 0.5;
      }
      const count = block === lastBlock ? (width - (lastBlock / 4) * factor) * rowsInBlock : fullBlock;
      pixels[offset + 3] = alpha / count + 0.5;
    }
    sums.fill(0);
  }
}
