import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BlobServiceClient } from '@azure/storage-blob';
import { parquet } from '@ff/exporter-parquet';
import { exporterConformance } from '@ff/exporter-testkit';
import { beforeAll } from 'vitest';
import type { AzuriteEnv } from '../../../test-services/azurite/index.mjs';
import { expectedRows, readWithDuckDB } from '../../parquet/test/readers.js';
import { AzureBlobExporter } from '../src/index.js';
import { readContainer, service, useAzurite } from './azurite.js';

let env: AzuriteEnv;
let blobs: BlobServiceClient;
beforeAll(async () => {
  env = await useAzurite();
  blobs = service(env);
});

const scratch = await mkdtemp(join(tmpdir(), 'ff-azure-conformance-'));

/** Parquet objects are read back by DuckDB, from a file. */
async function decodeParquet(object: { name: string; bytes: Uint8Array }) {
  const path = join(scratch, object.name.replaceAll('/', '_'));
  await writeFile(path, object.bytes);
  try {
    return (await readWithDuckDB(path)).rows;
  } finally {
    await rm(path, { force: true });
  }
}

// Each test gets its own container, made before and deleted after; the exporter writes with the
// account key through its own client, the test reads back with a client of its own.
for (const format of ['json', 'csv', 'parquet'] as const) {
  exporterConformance({
    name: 'AzureBlobExporter',
    format,
    createExporter: async (sink) => {
      await blobs.getContainerClient(sink.id).create();
      return new AzureBlobExporter({
        container: sink.id,
        accountName: env.AZURE_ACCOUNT_NAME,
        accountKey: env.AZURE_ACCOUNT_KEY,
        serviceUrl: env.AZURE_BLOB_ENDPOINT,
        path: 'flags',
        format: format === 'parquet' ? parquet() : format,
      });
    },
    readBack: async (sink) => ({ objects: await readContainer(blobs.getContainerClient(sink.id)) }),
    cleanup: async (sink) => {
      await blobs.getContainerClient(sink.id).deleteIfExists();
    },
    ...(format === 'parquet'
      ? { decode: decodeParquet, expectedRecord: (event) => expectedRows([event])[0] }
      : {}),
  });
}
