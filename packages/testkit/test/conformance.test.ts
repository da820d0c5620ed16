import { BlobExporter } from '@ff/exporter-core';
import { afterAll } from 'vitest';
import { exporterConformance, readFolder } from '../src/index.js';
import { FolderStore, stallFolder, tempRoot } from './folder-store.js';

// The suite against a real sink built from core alone: BlobExporter over a temp folder.
const root = await tempRoot('ff-testkit-conformance-');
afterAll(() => root.removeAll());

for (const format of ['json', 'csv'] as const) {
  exporterConformance({
    name: 'BlobExporter(folder)',
    format,
    createExporter: (sink) => new BlobExporter(new FolderStore(root.folder(sink.id)), { format }),
    readBack: async (sink) => ({ objects: await readFolder(root.folder(sink.id)) }),
    cleanup: (sink) => root.remove(sink.id),
    stallSink: (sink) => stallFolder(root.folder(sink.id)),
  });
}

// Without a stallSink hook, the AbortSignal check aborts in the middle of a large batch.
exporterConformance({
  name: 'BlobExporter(folder, no stallSink)',
  createExporter: (sink) => new BlobExporter(new FolderStore(root.folder(sink.id))),
  readBack: async (sink) => ({ objects: await readFolder(root.folder(sink.id)) }),
  cleanup: (sink) => root.remove(sink.id),
  largeBatchSize: 20_000,
});
