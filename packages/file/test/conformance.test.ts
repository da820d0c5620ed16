import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exporterConformance, readFolder } from '@ff/exporter-testkit';
import { FileExporter } from '../src/index.js';

const root = await mkdtemp(join(tmpdir(), 'ff-file-conformance-'));

for (const format of ['json', 'csv'] as const) {
  exporterConformance({
    name: `FileExporter (${format})`,
    format,
    createExporter: (sink) => new FileExporter({ outputDir: join(root, sink.id), format }),
    readBack: async (sink) => ({ objects: await readFolder(join(root, sink.id)) }),
    cleanup: (sink) => rm(join(root, sink.id), { recursive: true, force: true }),
  });
}
