import * as zlib from 'node:zlib';
import { compileCsvTemplate, ObjectNamer, PARQUET_CODECS } from '@ff/exporter-core';
import type { PlannedExporter, PlanOptions } from './planned-exporter.js';
import { InvalidValue, stringValue } from './values.js';

/** `parquetCompressionCodec`, checked on every kind as theirs does: Parquet's codec names, any case. */
export function codecValue(value: unknown): string | undefined {
  const codec = stringValue('parquetCompressionCodec', value);
  if (codec === undefined) return undefined;
  const upper = codec.toUpperCase();
  if (!(PARQUET_CODECS as readonly string[]).includes(upper)) {
    throw new InvalidValue(
      `invalid exporter: "parquetCompressionCodec" err: not a valid CompressionCodec string ` +
        `("${codec}"; one of ${PARQUET_CODECS.join(', ')})`,
    );
  }
  return upper;
}

// node:zlib gained zstd in Node.js 22.15 and 23.8; @ff/exporter-parquet uses it from there on.
const hasZstd = typeof (zlib as { zstdCompressSync?: unknown }).zstdCompressSync === 'function';
const EVERYWHERE = 'SNAPPY (the default), GZIP, BROTLI and UNCOMPRESSED work everywhere';

/** `format`, `filename`, `csvTemplate` and the Parquet codec of a blob kind, checked as its exporter will. */
export function blobOptions(
  planned: PlannedExporter,
  known: Map<string, unknown>,
  codec: string | undefined,
  planOptions: PlanOptions,
): void {
  const format = (stringValue('format', known.get('format')) ?? 'json').toLowerCase();
  if (format !== 'json' && format !== 'csv' && format !== 'parquet') {
    throw new InvalidValue(
      `invalid exporter: "format" must be JSON, CSV or Parquet (any case), got "${String(known.get('format'))}"`,
    );
  }
  const { options } = planned;
  options.format = format;
  const filename = stringValue('filename', known.get('filename'));
  if (filename !== undefined) options.filename = filename;
  // The same checks the exporter makes at construction, made here so `check` needs no exporter package.
  try {
    new ObjectNamer({ format, ...(filename === undefined ? {} : { filename }), ...pathOf(options) });
  } catch (err) {
    throw new InvalidValue(`invalid exporter: ${(err as Error).message}`);
  }
  // Theirs ignores csvTemplate for other formats (their own examples set one with JSON): so do we.
  const csvTemplate = stringValue('csvTemplate', known.get('csvTemplate'));
  if (format === 'csv' && csvTemplate !== undefined) {
    try {
      compileCsvTemplate(csvTemplate);
    } catch (err) {
      throw new InvalidValue(`invalid exporter: ${(err as Error).message}`);
    }
    options.csvTemplate = csvTemplate;
  }
  if (format !== 'parquet') return;
  const compression = codec ?? 'SNAPPY';
  const brought = planOptions.parquetCompressors ?? {};
  const given = Object.keys(brought).some((key) => key.toUpperCase() === compression);
  if (compression === 'ZSTD' && !hasZstd && !given) {
    throw new InvalidValue(
      `invalid exporter: "parquetCompressionCodec" ZSTD needs Node.js >= 22.15 (node:zlib's zstd; this is ` +
        `${process.version}) or a compressor: createExporter(config, { parquetCompressors: { ZSTD: (bytes) => compressed } }); ` +
        EVERYWHERE,
    );
  }
  if ((compression === 'LZ4' || compression === 'LZ4_RAW' || compression === 'LZO') && !given) {
    throw new InvalidValue(
      `invalid exporter: "parquetCompressionCodec" ${compression} needs a compressor: ` +
        `createExporter(config, { parquetCompressors: { ${compression}: (bytes) => compressed } }); ${EVERYWHERE}`,
    );
  }
  planned.parquet = { compression };
}

function pathOf(options: Record<string, unknown>): { path?: string } {
  return typeof options.path === 'string' ? { path: options.path } : {};
}
