import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquet } from '@ff/exporter-parquet';
import { type ConformanceFormat, exporterConformance, type StoredObject } from '@ff/exporter-testkit';
import { expectedRows, readWithDuckDB } from '../../parquet/test/readers.js';
import { S3Exporter } from '../src/index.js';
import { clientConfig, createBucket, deleteBucket, readBucket, useMoto } from './moto.js';

const moto = useMoto();

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
      return new S3Exporter({
        bucket: sink.id,
        path: 'events',
        format: format === 'parquet' ? parquet() : format,
        clientConfig: clientConfig(moto.endpoint),
      });
    },
    readBack: async (sink) => ({ objects: await readBucket(moto.client, sink.id) }),
    cleanup: (sink) => deleteBucket(moto.client, sink.id),
    ...(format === 'parquet' && {
      decode: decodeParquet,
      expectedRecord: (event) => expectedRows([event])[0],
    }),
  });
}
