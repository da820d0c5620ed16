import * as zlib from 'node:zlib';
import { PARQUET_CODECS } from '@ff/exporter-core';

/** Compresses one page. Synchronous: pages are small (~1 MB) and hyparquet-writer calls it inline. */
export type Compressor = (input: Uint8Array) => Uint8Array;

/** Parquet's codec names (parquet-format's CompressionCodec), as GO Feature Flag's `parquetCompressionCodec` takes them. */
export type ParquetCodec = (typeof PARQUET_CODECS)[number];

const CODECS: readonly ParquetCodec[] = PARQUET_CODECS;

// node:zlib gained zstd in Node.js 22.15 and 23.8; on Node 20 it is absent, so look it up, don't import it.
const zstdCompressSync = (zlib as { zstdCompressSync?: (input: Uint8Array) => Buffer }).zstdCompressSync;

/** Codecs this package compresses with no help: SNAPPY (hyparquet-writer's own), GZIP and BROTLI (node:zlib), ZSTD where node:zlib has it. */
export const BUILT_IN_CODECS: readonly ParquetCodec[] = [
  'SNAPPY',
  'GZIP',
  'BROTLI',
  ...(zstdCompressSync ? (['ZSTD'] as const) : []),
  'UNCOMPRESSED',
];

const builtIn: Partial<Record<ParquetCodec, Compressor>> = {
  GZIP: (input) => zlib.gzipSync(input),
  // Quality 4 rather than zlib's default 11: 11 is several times slower for a few percent on event data.
  BROTLI: (input) => zlib.brotliCompressSync(input, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } }),
  ...(zstdCompressSync ? { ZSTD: (input: Uint8Array) => zstdCompressSync(input) } : {}),
};

export interface ResolvedCompression {
  codec: ParquetCodec;
  compressors: Partial<Record<ParquetCodec, Compressor>>;
}

/** Checks the `compression` option (any case, as GO Feature Flag) at construction, with a message naming the fix. */
export function resolveCompression(
  compression: string | undefined,
  custom: Partial<Record<string, Compressor>> = {},
): ResolvedCompression {
  const name = (compression ?? 'SNAPPY').toString().toUpperCase();
  if (!(CODECS as readonly string[]).includes(name)) {
    throw new TypeError(
      `parquet option compression must be one of ${BUILT_IN_CODECS.join(', ')}, got '${String(compression)}'`,
    );
  }
  const codec = name as ParquetCodec;
  const compressors: Partial<Record<ParquetCodec, Compressor>> = { ...builtIn };
  for (const [key, compressor] of Object.entries(custom)) {
    const upper = key.toUpperCase();
    if (!(CODECS as readonly string[]).includes(upper) || typeof compressor !== 'function') {
      throw new TypeError(
        `parquet option compressors.${key} must be a function for a Parquet codec (${CODECS.join(', ')})`,
      );
    }
    compressors[upper as ParquetCodec] = compressor;
  }
  if (codec !== 'SNAPPY' && codec !== 'UNCOMPRESSED' && !compressors[codec]) {
    const why =
      codec === 'ZSTD'
        ? `node:zlib has no zstd before Node.js 22.15 (this is ${process.version})`
        : `@ff/exporter-parquet has no ${codec} compressor`;
    throw new TypeError(
      `parquet compression '${codec}': ${why}. Use one of ${BUILT_IN_CODECS.join(', ')}, or pass one: ` +
        `parquet({ compression: '${codec}', compressors: { ${codec}: (bytes) => compressed } })`,
    );
  }
  return { codec, compressors };
}
