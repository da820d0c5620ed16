export { BUILT_IN_CODECS, type Compressor, type ParquetCodec } from './compression.js';
export {
  DEFAULT_ROW_GROUP_SIZE,
  PARQUET_CONTENT_TYPE,
  type ParquetFormat,
  type ParquetOptions,
  parquet,
} from './parquet-format.js';
export { FEATURE_COLUMNS, TRACKING_COLUMNS } from './schema.js';
