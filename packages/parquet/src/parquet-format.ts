import { type ExportableEvent, type Format, nextTurn, type OnInvalidEvent } from '@ff/exporter-core';
import { ParquetWriter } from 'hyparquet-writer';
import { ChunkWriter } from './chunk-writer.js';
import { featureRowGroup, type RowGroup, trackingRowGroup } from './columns.js';
import { type Compressor, type ParquetCodec, resolveCompression } from './compression.js';
import { featureSchema, trackingSchema } from './schema.js';

export interface ParquetOptions {
  /**
   * Compression codec, any case, as GO Feature Flag's `parquetCompressionCodec`: `SNAPPY` (default),
   * `GZIP`, `BROTLI`, `ZSTD` (Node.js >= 22.15, or with a compressor in `compressors`), `UNCOMPRESSED`.
   */
  compression?: ParquetCodec | Lowercase<ParquetCodec> | (string & {});
  /** Rows per row group. Each row group is encoded, then handed to the sink, before the next. Default 8192 (see the README: smaller keeps the event loop and memory free, larger compresses a little better). */
  rowGroupSize?: number;
  /** Compressors for codecs this package has none for, e.g. `{ ZSTD: (bytes) => zstd(bytes) }` on Node 20. */
  compressors?: Partial<Record<ParquetCodec, Compressor>>;
  /**
   * Min/max statistics per column chunk, which readers use to skip row groups (by creationDate, key, …).
   * Default true; never written for `value` and the maps, where they would prune nothing.
   */
  statistics?: boolean;
}

/** The Parquet Format: pass it as `format: parquet()` to any blob exporter. */
export interface ParquetFormat extends Format {
  readonly name: 'parquet';
  /** The codec in use, upper case. */
  readonly compression: ParquetCodec;
  readonly rowGroupSize: number;
}

export const DEFAULT_ROW_GROUP_SIZE = 8192;
export const PARQUET_CONTENT_TYPE = 'application/vnd.apache.parquet';
const CREATED_BY = '@ff/exporter-parquet (hyparquet-writer)';

/**
 * GO Feature Flag's Parquet format: their column names and types, one row per event, feature events
 * or tracking events (a batch holds one kind: the first event's). The file is written row group by
 * row group, each yielded as soon as it is encoded, with a turn of the event loop in between.
 */
export function parquet(options: ParquetOptions = {}): ParquetFormat {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`parquet options must be an object, got ${String(options)}`);
  }
  const { codec, compressors } = resolveCompression(options.compression, options.compressors);
  const rowGroupSize = options.rowGroupSize ?? DEFAULT_ROW_GROUP_SIZE;
  if (!Number.isSafeInteger(rowGroupSize) || rowGroupSize < 1) {
    throw new TypeError(
      `parquet option rowGroupSize must be a positive integer, got ${String(options.rowGroupSize)}`,
    );
  }
  const statistics = options.statistics ?? true;

  async function* encode(
    events: readonly ExportableEvent[],
    onInvalid: OnInvalidEvent,
  ): AsyncGenerator<Uint8Array> {
    if (events.length === 0) return;
    const tracking = events[0]?.kind === 'tracking';
    const rowGroup = tracking ? trackingRowGroup : featureRowGroup;
    const sink = new ChunkWriter();
    let writer: ParquetWriter | undefined;
    for (let from = 0; from < events.length; from += rowGroupSize) {
      const group: RowGroup = rowGroup(events, from, Math.min(events.length, from + rowGroupSize), onInvalid);
      if (group.rows === 0) continue;
      await nextTurn();
      // Made at the first valid row: a batch of nothing but invalid events yields nothing at all.
      writer ??= new ParquetWriter({
        writer: sink,
        schema: tracking ? trackingSchema : featureSchema,
        codec,
        compressors,
        statistics,
        createdBy: CREATED_BY,
      });
      writer.write({
        columnData: group.columns as Parameters<ParquetWriter['write']>[0]['columnData'],
        rowGroupSize: group.rows,
      });
      yield* sink.take();
      await nextTurn();
    }
    if (!writer) return;
    writer.finish();
    yield* sink.take();
  }

  return {
    name: 'parquet',
    contentType: PARQUET_CONTENT_TYPE,
    compression: codec,
    rowGroupSize,
    encode,
  };
}
