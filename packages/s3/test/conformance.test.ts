import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquet } from '@ff/exporter-parquet';
import {
  type ConformanceFormat,
  exporterConformance,
  type FaultProxy,
  type StoredObject,
  startFaultProxy,
} from '@ff/exporter-testkit';
import { expectedRows, readWithDuckDB } from '../../parquet/test/readers.js';
import { S3Exporter } from '../src/index.js';
import { clientConfig, createBucket, deleteBucket, readBucket, useMoto } from './moto.js';

const moto = useMoto();
/** Each test's exporter reaches moto through a fault proxy of its own, which stallSink blackholes. */
const proxies = new Map<string, FaultProxy>();

/** Parquet objects are read by DuckDB from a file, as a data lake would read them. */
async function decodeParquet(object: StoredObject) {
  const path = join(tmpdir(), `ff-s3-read-${process.pid}-${object.name.replaceAll('/', '_')}`);
  await writeFile(path, object.bytes);
  try {
    return (await readWithDuckDB(path)).rows;
  } finally {
    await rm(path, { force: true });
  }
}

for (const format of ['json', 'csv', 'parquet'] as ConformanceFormat[]) {
  exporterConformance({
    name: `S3Exporter on moto (${format})`,
    format,
    createExporter: async (sink) => {
      await createBucket(moto.client, sink.id);
      const proxy = await startFaultProxy({ targetPort: Number(new URL(moto.endpoint).port) });
      proxies.set(sink.id, proxy);
      return new S3Exporter({
        bucket: sink.id,
        path: 'events',
        format: format === 'parquet' ? parquet() : format,
        clientConfig: clientConfig(proxy.url()),
      });
    },
    readBack: async (sink) => ({ objects: await readBucket(moto.client, sink.id) }),
    stallSink: async (sink) => {
      const proxy = proxies.get(sink.id);
      await proxy?.blackhole();
      return () => proxy?.heal();
    },
    cleanup: async (sink) => {
      await proxies.get(sink.id)?.close();
      proxies.delete(sink.id);
      await deleteBucket(moto.client, sink.id);
    },
    ...(format === 'parquet' && {
      decode: decodeParquet,
      expectedRecord: (event) => expectedRows([event])[0],
    }),
  });
}
