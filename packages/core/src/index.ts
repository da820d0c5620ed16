export { DataExporter, type ExporterStats } from './data-exporter.js';
export { fanOut, type FanOut } from './fan-out.js';
export {
  createFeatureEvent,
  contextKindOf,
  SDK_DEFAULT_VARIATION,
  type EvaluationContext,
  type EvaluationDetails,
  type ExportableEvent,
  type FeatureEvent,
  type TrackingEvent,
} from './events.js';
export type { Exporter, ExportContext, ExportResult } from './exporter.js';
export {
  ExportError,
  isExportError,
  isRetryableStatus,
  parseRetryAfter,
  type ExportErrorOptions,
} from './export-error.js';
export { consoleLogger, silentLogger, type Logger } from './logger.js';
export { DEFAULT_RETRY, type DataExporterOptions, type RetryOptions } from './options.js';
export { diagnostics, type DiagnosticsMessage } from './diagnostics.js';
export { nextBatchId, processId } from './batch-id.js';
export type { Format, OnInvalidEvent } from './formats/format.js';
export { isFormat } from './formats/format.js';
export { jsonLines, eventJson, featureEventJson, trackingEventJson } from './formats/json-lines.js';
export { csv, compileCsvTemplate, DEFAULT_CSV_TEMPLATE } from './formats/csv.js';
export { jsonValue } from './formats/json-value.js';
export { encodeLines, collect } from './formats/chunks.js';
export { resolveFormat, type FormatOption, type FormatSettings } from './formats/resolve-format.js';
export { ObjectNamer, DEFAULT_FILENAME, type ObjectNameOptions } from './object-name.js';
export {
  BlobExporter,
  type BlobExporterOptions,
  type BlobStore,
  type BlobWriteOptions,
} from './blob-exporter.js';
