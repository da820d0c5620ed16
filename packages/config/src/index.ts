export { ConfigError } from './config-error.js';
export {
  type CreateExporterOptions,
  createExporter,
  type ParquetCompressor,
} from './create-exporter.js';
export {
  KINDS,
  type KindSpec,
  NOT_YET_SUPPORTED_KINDS,
  SUPPORTED_KINDS,
  type SupportedKind,
} from './kinds.js';
export { importFromApplication, MissingPackageError, type PackageLoader } from './load.js';
export {
  type ExporterPlan,
  type PlannedBatching,
  type PlannedExporter,
  type PlanOptions,
  planExporters,
} from './plan.js';
export type { ConfigSource } from './source.js';
