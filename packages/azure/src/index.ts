export { AzureBlobExporter, type AzureBlobExporterOptions } from './azure-blob-exporter.js';
export { AzureBlobStore, type AzureBlobStoreOptions } from './azure-blob-store.js';
