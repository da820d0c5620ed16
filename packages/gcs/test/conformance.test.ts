import type { Format } from '@ff/exporter-core';
import { parquet } from '@ff/exporter-parquet';
import {
  exporterConformance,
  type FaultProxy,
  type SinkContext,
  startFaultProxy,
} from '@ff/exporter-testkit';
import { decodeWithDuckDB, expectedRows } from '../../parquet/test/readers.js';
import { GcsExporter } from '../src/index.js';
import { createBucket, deleteBucket, readBucket, sharedGcs } from './gcs.js';

const gcs = sharedGcs();
/** Each test's exporter talks to fake-gcs-server through a fault proxy of its own, so the suite can stall just that sink. */
const proxies = new Map<string, FaultProxy>();

function suite(name: string, format: 'json' | 'csv' | Format) {
  return {
    name,
    createExporter: async (sink: SinkContext) => {
      await createBucket(gcs.storage, sink.id);
      const proxy = await startFaultProxy({ targetPort: Number(new URL(gcs.endpoint).port) });
      proxies.set(sink.id, proxy);
      return new GcsExporter({ bucket: sink.id, format, storageOptions: { apiEndpoint: proxy.url() } });
    },
    readBack: async (sink: SinkContext) => ({ objects: await readBucket(gcs.storage, sink.id) }),
    stallSink: async (sink: SinkContext) => {
      const proxy = proxies.get(sink.id) as FaultProxy;
      await proxy.blackhole();
      return () => proxy.heal();
    },
    cleanup: async (sink: SinkContext) => {
      await proxies.get(sink.id)?.close();
      proxies.delete(sink.id);
      await deleteBucket(gcs.storage, sink.id);
    },
  };
}

for (const format of ['json', 'csv'] as const) {
  exporterConformance({ ...suite(`GcsExporter (${format})`, format), format });
}

exporterConformance({
  ...suite('GcsExporter (parquet)', parquet()),
  format: 'parquet',
  decode: decodeWithDuckDB,
  expectedRecord: (event) => expectedRows([event])[0],
});
