import { pipeline, Readable } from 'node:stream';
import { createGzip, type Gzip } from 'node:zlib';
import type { Format } from './formats/format.js';

/** What a blob exporter's `compression` option takes. */
export type Compression = 'gzip';

/** JSON Lines and CSV are text and compress well; Parquet (or any binary format) compresses its own pages. */
function isTextFormat(format: Format): boolean {
  return (
    format.name !== 'parquet' &&
    (format.contentType.startsWith('text/') || /json|csv/i.test(format.contentType))
  );
}

/** Checks a `compression` option against the format, at construction. */
export function checkCompression(option: unknown, format: Format): Compression | undefined {
  if (option === undefined) return undefined;
  if (option !== 'gzip') {
    throw new TypeError(
      `compression must be 'gzip' or left out, got ${JSON.stringify(option) ?? String(option)}`,
    );
  }
  if (!isTextFormat(format)) {
    throw new TypeError(
      `compression: 'gzip' is for the json and csv formats; ${format.name} compresses itself: use format: parquet({ compression }) (or parquetCompressionCodec) instead`,
    );
  }
  return option;
}

/**
 * Gzips a stream of chunks as it is read: the batch is never held whole. The result is the gzip
 * stream itself (an AsyncIterable of Buffers); destroy it to stop early. Errors of the source come
 * out of the iteration.
 */
export function gzipChunks(chunks: AsyncIterable<Uint8Array>): Gzip {
  const gzip = createGzip();
  // The error, if any, is the gzip stream's too (pipeline destroys it with it): its reader sees it.
  pipeline(Readable.from(chunks, { objectMode: false }), gzip, () => {});
  return gzip;
}
