import { parquet } from '@ff/exporter-parquet';
import { exporterConformance } from '@ff/exporter-testkit';
import type { Storage } from '@google-cloud/storage';
import { beforeAll } from 'vitest';
import { decodeWithDuckDB, expectedRows } from '../../parquet/test/readers.js';
import { GcsExporter } from '../src/index.js';
import { createBucket, deleteBucket, gcsEndpoint, readBucket, testStorage } from './gcs.js';

let endpoint: string;
let storage: Storage;
beforeAll(async () => {
  endpoint = await gcsEndpoint();
  storage = testStorage(endpoint);
});

const shared = {
  readBack: async (sink: { id: string }) => ({ objects: await readBucket(storage, sink.id) }),
  cleanup: (sink: { id: string }) => deleteBucket(storage, sink.id),
};

for (const format of ['json', 'csv'] as const) {
  exporterConformance({
    name: `GcsExporter (${format})`,
    format,
    createExporter: async (sink) => {
      await createBucket(storage, sink.id);
      return new GcsExporter({ bucket: sink.id, format, storageOptions: { apiEndpoint: endpoint } });
    },
    ...shared,
  });
}

exporterConformance({
  name: 'GcsExporter (parquet)',
  format: 'parquet',
  createExporter: async (sink) => {
    await createBucket(storage, sink.id);
    return new GcsExporter({ bucket: sink.id, format: parquet(), storageOptions: { apiEndpoint: endpoint } });
  },
  decode: decodeWithDuckDB,
  expectedRecord: (event) => expectedRows([event])[0],
  ...shared,
});
