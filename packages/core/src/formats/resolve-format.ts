import { createRequire } from 'node:module';
import { join } from 'node:path';
import { csv } from './csv.js';
import { type Format, isFormat } from './format.js';
import { jsonLines } from './json-lines.js';

/** What a `format` option takes: a name (any case, as GO Feature Flag) or a Format value. */
export type FormatOption = 'json' | 'csv' | 'parquet' | (string & {}) | Format;

/** Parquet's codec names (parquet-format's CompressionCodec): what GO Feature Flag's `parquetCompressionCodec` takes. */
export const PARQUET_CODECS = [
  'UNCOMPRESSED',
  'SNAPPY',
  'GZIP',
  'LZO',
  'BROTLI',
  'LZ4',
  'ZSTD',
  'LZ4_RAW',
] as const;

export interface FormatSettings {
  csvTemplate?: string;
  /** GO Feature Flag's `parquetCompressionCodec`, passed to `parquet({ compression })`. */
  parquetCompressionCodec?: string;
}

/** Loads an optional package as the application (the working directory) resolves it: core depends on none. */
function loadOptional(name: string): unknown {
  const require = createRequire(join(process.cwd(), 'noop.js'));
  try {
    require.resolve(name);
  } catch {
    return undefined;
  }
  // Installed: a failure to load it is its own error, not a missing package.
  return require(name);
}

export function resolveFormat(format: FormatOption | undefined, settings: FormatSettings = {}): Format {
  if (isFormat(format)) return format;
  const name = (format ?? 'json').toString().toLowerCase();
  if (name === 'json') return jsonLines();
  if (name === 'csv')
    return csv(settings.csvTemplate === undefined ? {} : { template: settings.csvTemplate });
  if (name === 'parquet') {
    const parquet = (loadOptional('@ff/exporter-parquet') as { parquet?: (o: object) => Format } | undefined)
      ?.parquet;
    if (!parquet) {
      throw new TypeError(
        "format 'parquet' needs the @ff/exporter-parquet package: npm install @ff/exporter-parquet",
      );
    }
    const codec = settings.parquetCompressionCodec;
    return parquet(codec === undefined ? {} : { compression: codec });
  }
  throw new TypeError(`format must be 'json', 'csv', 'parquet' or a Format value, got '${String(format)}'`);
}
