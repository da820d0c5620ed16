export { GcsExporter, type GcsExporterOptions } from './gcs-exporter.js';
export { GcsStore, RESUMABLE_THRESHOLD } from './gcs-store.js';
