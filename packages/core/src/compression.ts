import { createGzip } from 'node:zlib';
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
 * Gzips a stream of chunks as it is read: each chunk is compressed before the next is read, so what
 * is held is one chunk's output at most, never the batch. Stopping early (`return()`) frees zlib.
 * Writing to zlib directly measured ~1.3x faster than piping a `Readable.from()` into it.
 */
export async function* gzipChunks(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const gzip = createGzip();
  const out: Buffer[] = [];
  let failure: Error | undefined;
  let ended = false;
  let wake: (() => void) | undefined;
  const wait = () =>
    new Promise<void>((resolve) => {
      wake = resolve;
    });
  const notify = () => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  gzip.on('data', (chunk: Buffer) => out.push(chunk));
  gzip.on('drain', notify);
  gzip.on('end', () => {
    ended = true;
    notify();
  });
  gzip.on('error', (err) => {
    failure = err;
    notify();
  });
  try {
    for await (const chunk of chunks) {
      if (!gzip.write(chunk)) while (!failure && gzip.writableNeedDrain) await wait();
      if (failure) throw failure;
      while (out.length > 0) yield out.shift() as Buffer;
    }
    gzip.end();
    while (!ended && !failure) await wait();
    if (failure) throw failure;
    while (out.length > 0) yield out.shift() as Buffer;
  } finally {
    gzip.destroy();
  }
}
