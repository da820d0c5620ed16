import { ByteWriter } from 'hyparquet-writer';

/**
 * hyparquet-writer's byte sink, emptied after each row group: ParquetWriter calls `flush()` once a
 * row group is written, and the bytes so far move out as one chunk, so the file is never in memory
 * whole, only the row group being encoded. Chunks are copies: the buffer is reused for the next group.
 */
export class ChunkWriter extends ByteWriter {
  #chunks: Uint8Array[] = [];

  constructor() {
    super(1 << 20);
  }

  flush(): void {
    if (this.index === 0) return;
    this.#chunks.push(Buffer.from(this.buffer.slice(0, this.index)));
    this.index = 0;
  }

  override finish(): void {
    this.flush();
  }

  /** The chunks written since the last call. */
  take(): Uint8Array[] {
    const chunks = this.#chunks;
    this.#chunks = [];
    return chunks;
  }
}
