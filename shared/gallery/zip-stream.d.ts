// zip-stream 7 ships no types; this declares the part of its API that detour uses.
declare module 'zip-stream' {
  import { Transform, type Readable } from 'node:stream';

  export interface ZipStreamOptions {
    comment?: string;
    forceLocalTime?: boolean;
    forceZip64?: boolean;
    /** Stores entries without compression. */
    store?: boolean;
    zlib?: { level?: number };
  }

  export interface ZipEntryData {
    name: string;
    date?: Date | string;
    mode?: number;
    store?: boolean;
    comment?: string;
  }

  export default class ZipStream extends Transform {
    constructor(options?: ZipStreamOptions);
    /** Appends one entry; the next may only be added once `callback` ran. */
    entry(source: Readable | Buffer | string, data: ZipEntryData, callback: (error?: Error | null) => void): this;
    /** Writes the central directory once the last entry is done, then ends the stream. */
    finish(): void;
  }
}
