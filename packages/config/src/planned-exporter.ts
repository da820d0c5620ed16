import type { SupportedKind } from './kinds.js';

/** DataExporter options a config entry sets; absent ones keep the defaults (the exporter's own, then core's). */
export interface PlannedBatching {
  eventType?: 'feature' | 'tracking';
  flushIntervalMs?: number;
  maxEventsInMemory?: number;
  maxPendingEvents?: number;
}

/** One exporter the config asks for, checked, before any exporter package is loaded. */
export interface PlannedExporter {
  /** The DataExporter's name: the kind, or `kind#index` when there are several (`file#0`, `webhook#1`). */
  name: string;
  kind: SupportedKind;
  /** Where it sits in the config: `exporter`, `exporters[1]`, `flagsets[name].exporters[0]`. */
  at: string;
  packageName: string;
  className: string;
  /** Constructor options from the config; `format` is a name here (`parquet` becomes `parquet()` when wired). */
  options: Record<string, unknown>;
  /** With `format: parquet`: what `parquet()` of @ff/exporter-parquet gets. */
  parquet?: { compression: string };
  batching: PlannedBatching;
}

export interface PlanOptions {
  /** Wire this flag set's exporters (`flagsets: [{ name, exporters }]`) instead of the top-level ones. */
  flagSet?: string;
  /** Config file paths and a file exporter's relative `outputDir` are relative to this. Default `process.cwd()`. */
  cwd?: string;
  /** Parquet codecs the application brings compressors for (`createExporter`'s `parquetCompressors`). */
  parquetCompressors?: Readonly<Record<string, unknown>>;
}

/** Core's default `maxEventsInMemory`, which is theirs too. */
export const DEFAULT_MAX_EVENTS = 100_000;
