export { S3Exporter, type S3ExporterOptions } from './s3-exporter.js';
export { DEFAULT_PART_SIZE, S3Store, type S3StoreOptions } from './s3-store.js';
