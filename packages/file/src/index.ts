export { FileExporter, type FileExporterOptions } from './file-exporter.js';
export { FileStore } from './file-store.js';
