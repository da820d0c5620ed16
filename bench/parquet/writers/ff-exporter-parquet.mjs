// @ff/exporter-parquet itself (hyparquet-writer underneath), through its Format: what a blob exporter runs.
import { open } from 'node:fs/promises';
import { parquet } from '@ff/exporter-parquet';

export const codecs = ['SNAPPY', 'GZIP', 'BROTLI', 'UNCOMPRESSED'];

/** The longest wait for one chunk: an upper bound on the Format's longest synchronous stretch (one row group). */
export const stats = { maxChunkMs: 0 };

export async function write(events, path, { codec = 'SNAPPY', rowGroupSize, onChunk } = {}) {
  const format = parquet({ compression: codec, ...(rowGroupSize ? { rowGroupSize } : {}) });
  const file = await open(path, 'w');
  try {
    const chunks = format.encode(events, (index, error) => {
      throw new Error(`event ${index} could not be encoded: ${error.message}`);
    });
    let asked = performance.now();
    for await (const chunk of chunks) {
      stats.maxChunkMs = Math.max(stats.maxChunkMs, performance.now() - asked);
      await file.write(chunk);
      onChunk?.();
      asked = performance.now();
    }
  } finally {
    await file.close();
  }
}
