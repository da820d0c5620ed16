export { FileExporter, type FileExporterOptions } from './file-exporter.js';
export { FileStore, type FileStoreOptions } from './file-store.js';
