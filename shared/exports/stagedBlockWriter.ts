import type { BlobLocation } from '../storage/blobPaths.js';
import type { BlobStore } from '../storage/blobStore.js';

/** The block ids of an export blob: its index, padded (every id of a blob must have the same length). */
export function exportBlockId(index: number): string {
  return Buffer.from(`block-${index.toString().padStart(10, '0')}`).toString('base64');
}

/**
 * Archive bytes into staged blocks of a block blob, from a given block index on: one buffer of
 * `blockBytes` is filled and staged (awaited, so a fast source waits for storage), then reused. The
 * blocks' ids depend only on their index, so a restart from a recorded index restages the same ids.
 */
export class StagedBlockWriter {
  private readonly buffer: Buffer;
  private filled = 0;

  constructor(
    private readonly blobs: Pick<BlobStore, 'stageBlock'>,
    private readonly location: BlobLocation,
    /** The index the next staged block gets. */
    private nextBlock: number,
    blockBytes: number,
  ) {
    this.buffer = Buffer.allocUnsafe(blockBytes);
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

  async write(bytes: Buffer): Promise<void> {
    let from = 0;
    while (from < bytes.length) {
      const copied = bytes.copy(this.buffer, this.filled, from);
      this.filled += copied;
      from += copied;
      if (this.filled === this.buffer.length) await this.stage();
    }
  }

  /** Stages what is buffered as a (shorter) block. */
  async flush(): Promise<void> {
    if (this.filled > 0) await this.stage();
  }

  private async stage(): Promise<void> {
    await this.blobs.stageBlock(this.location, exportBlockId(this.nextBlock), this.buffer.subarray(0, this.filled));
    this.nextBlock += 1;
    this.filled = 0;
  }
}
