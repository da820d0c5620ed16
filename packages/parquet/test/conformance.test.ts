import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileExporter } from '@ff/exporter-file';
import { exporterConformance, readFolder } from '@ff/exporter-testkit';
import { parquet } from '../src/index.js';
import { decodeWithDuckDB, expectedRows } from './readers.js';

const root = await mkdtemp(join(tmpdir(), 'ff-parquet-conformance-'));

// The shared suite, with DuckDB as the reader: every event once, every value intact.
exporterConformance({
  name: 'FileExporter (parquet)',
  format: 'parquet',
  createExporter: (sink) => new FileExporter({ outputDir: join(root, sink.id), format: parquet() }),
  readBack: async (sink) => ({ objects: await readFolder(join(root, sink.id)) }),
  decode: decodeWithDuckDB,
  expectedRecord: (event) => expectedRows([event])[0],
  cleanup: (sink) => rm(join(root, sink.id), { recursive: true, force: true }),
});
