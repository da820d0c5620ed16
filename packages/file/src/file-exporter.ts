import { BlobExporter, type BlobExporterOptions } from '@ff/exporter-core';
import { FileStore } from './file-store.js';

export interface FileExporterOptions extends BlobExporterOptions {
  /** The folder files are written to; created when missing. Required. */
  outputDir: string;
  /**
   * A sub-folder of outputDir, which may hold date placeholders: `events/dt={{ .Date}}` writes
   * Hive-style partitions, one file per partition a batch's events fall in.
   */
  path?: string;
}

/** Writes each batch as one file in `outputDir`, as GO Feature Flag's file exporter, but never half-written or overwritten. */
export class FileExporter extends BlobExporter {
  readonly outputDir: string;

  constructor(options: FileExporterOptions) {
    const outputDir = options?.outputDir;
    if (typeof outputDir !== 'string' || outputDir === '') {
      throw new TypeError(`FileExporter option outputDir must be a folder path, got ${String(outputDir)}`);
    }
    super(new FileStore(outputDir), options);
    this.outputDir = outputDir;
  }
}
