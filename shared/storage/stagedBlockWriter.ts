import type { BlobLocation } from './blobPaths.js';
import type { BlobStore } from './blobStore.js';

/** The id of a staged block: its index, padded (every id of a blob must have the same length). */
export function stagedBlockId(index: number): string {
  return Buffer.from(`block-${index.toString().padStart(10, '0')}`).toString('base64');
}

/**
 * Bytes into staged blocks of a block blob, from a given block index on, in buffers of `blockBytes`
 * that are reused. With one buffer a full block is staged before the next byte is taken (a fast source
 * waits for storage); with two, the next block fills while the previous one stages, so storage and
 * source overlap. The blocks' ids depend only on their index, so a restart from a recorded index
 * restages the same ids. `flush` stages the rest and waits for every block; `settle` waits for those
 * in flight without throwing (an error path must not leave an upload running behind it).
 */
export class StagedBlockWriter {
  private buffer: Buffer;
  private readonly spareBuffers: Buffer[] = [];
  private filled = 0;
  /** Blocks being staged, oldest first. */
  private readonly inFlight: Array<Promise<void>> = [];

  constructor(
    private readonly blobs: Pick<BlobStore, 'stageBlock'>,
    private readonly location: BlobLocation,
    /** The index the next staged block gets. */
    private nextBlock: number,
    blockBytes: number,
    buffers = 1,
  ) {
    this.buffer = Buffer.allocUnsafe(blockBytes);
    for (let spare = 1; spare < buffers; spare++) this.spareBuffers.push(Buffer.allocUnsafe(blockBytes));
  }

  /** The index of the block the next byte goes into. */
  get currentBlock(): number {
    return this.nextBlock;
  }

  /** The index of the block that holds the last byte written. */
  get lastWrittenBlock(): number {
    return this.filled > 0 ? this.nextBlock : this.nextBlock - 1;
  }

  /** The number of blocks once everything written is flushed. */
  get blockCount(): number {
    return this.nextBlock + (this.filled > 0 ? 1 : 0);
  }

  /** The ids of every block from index 0 to the last one written, as a commit names them. */
  blockIds(): string[] {
    return Array.from({ length: this.blockCount }, (_, index) => stagedBlockId(index));
  }

  async write(bytes: Buffer): Promise<void> {
    let from = 0;
    while (from < bytes.length) {
      const copied = bytes.copy(this.buffer, this.filled, from);
      this.filled += copied;
      from += copied;
      if (this.filled === this.buffer.length) await this.stage();
    }
  }

  /** Stages what is buffered as a (shorter) block and waits until every block is staged. */
  async flush(): Promise<void> {
    if (this.filled > 0) await this.stage();
    while (this.inFlight.length > 0) await this.inFlight.shift();
  }

  /** Waits for the blocks in flight, whatever their outcome. */
  async settle(): Promise<void> {
    await Promise.allSettled(this.inFlight.splice(0));
  }

  private async stage(): Promise<void> {
    const buffer = this.buffer;
    const staging = this.blobs
      .stageBlock(this.location, stagedBlockId(this.nextBlock), buffer.subarray(0, this.filled))
      .then(() => void this.spareBuffers.push(buffer));
    // Awaited below or by flush/settle; until then a failure must not count as unhandled.
    staging.catch(() => undefined);
    this.inFlight.push(staging);
    this.nextBlock += 1;
    this.filled = 0;
    while (this.spareBuffers.length === 0) await this.inFlight.shift();
    this.buffer = this.spareBuffers.pop()!;
  }
}
