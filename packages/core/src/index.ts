export { nextBatchId, processId } from './batch-id.js';
export {
  BlobExporter,
  type BlobExporterOptions,
  type BlobStore,
  type BlobWriteOptions,
} from './blob-exporter.js';
export type { Compression } from './compression.js';
export { DataExporter, type ExporterStats } from './data-exporter.js';
export { type DiagnosticsMessage, diagnostics } from './diagnostics.js';
export {
  contextKindOf,
  createFeatureEvent,
  createTrackingEvent,
  type EvaluationContext,
  type EvaluationDetails,
  type ExportableEvent,
  type FeatureEvent,
  SDK_DEFAULT_VARIATION,
  type TrackingEvent,
} from './events.js';
export {
  ExportError,
  type ExportErrorOptions,
  isExportError,
  isRetryableStatus,
  parseRetryAfter,
} from './export-error.js';
export type { BatchingDefaults, ExportContext, Exporter, ExportResult } from './exporter.js';
export { type FanOut, fanOut } from './fan-out.js';
export { collect, encodeLines } from './formats/chunks.js';
export { compileCsvTemplate, csv, DEFAULT_CSV_TEMPLATE } from './formats/csv.js';
export type { Format, OnInvalidEvent } from './formats/format.js';
export { isFormat, toError } from './formats/format.js';
export {
  checkDate,
  eventJson,
  featureEventJson,
  jsonLines,
  trackingEventJson,
} from './formats/json-lines.js';
export { jsonValue } from './formats/json-value.js';
export {
  type FormatOption,
  type FormatSettings,
  PARQUET_CODECS,
  resolveFormat,
} from './formats/resolve-format.js';
export { consoleLogger, type Logger, silentLogger } from './logger.js';
export { DEFAULT_FILENAME, type ObjectNameOptions, ObjectNamer } from './object-name.js';
export {
  type DataExporterOptions,
  DEFAULT_RETRY,
  meantKey,
  type RetryOptions,
  refuseUnknownKeys,
} from './options.js';
export { MAX_TIMER_MS, nextTurn } from './timers.js';
