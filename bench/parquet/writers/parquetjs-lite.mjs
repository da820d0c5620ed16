import { createRequire } from 'node:module';
import { parquetjsWriter } from './parquetjs.mjs';

export const codecs = ['SNAPPY', 'GZIP', 'UNCOMPRESSED'];
export const write = parquetjsWriter(createRequire(import.meta.url)('parquetjs-lite'), {
  useDataPageV2: false,
});
