import parquet from '@dsnp/parquetjs';
import { parquetjsWriter } from './parquetjs.mjs';

export const codecs = ['SNAPPY', 'GZIP', 'BROTLI', 'UNCOMPRESSED'];
// Its default data page v2 is unreadable by some pyarrow versions.
export const write = parquetjsWriter(parquet, { useDataPageV2: false });
