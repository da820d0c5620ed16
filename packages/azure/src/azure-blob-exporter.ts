import { BlobExporter, type BlobExporterOptions, refuseUnknownKeys } from '@ff/exporter-core';
import { AzureBlobStore } from './azure-blob-store.js';
import { type ConnectionOptions, containerClientFactory } from './container-client.js';

export interface AzureBlobExporterOptions extends BlobExporterOptions, ConnectionOptions {
  /** Bytes per staged block of a large batch; a smaller body goes up as one Put Blob. Default 4 MiB. */
  blockSize?: number;
  /** Blocks staged at once. Default 4. */
  maxConcurrency?: number;
}

/** Every option, core's BlobExporter ones included: any other key is a mistake worth a message. */
const KNOWN: readonly (keyof AzureBlobExporterOptions)[] = [
  'container',
  'accountName',
  'accountKey',
  'serviceUrl',
  'connectionString',
  'credential',
  'client',
  'blockSize',
  'maxConcurrency',
  'format',
  'filename',
  'path',
  'compression',
  'csvTemplate',
  'parquetCompressionCodec',
];

const MiB = 1024 * 1024;
/** Azure's limit for one staged block. */
const MAX_BLOCK_SIZE = 4000 * MiB;

/**
 * Writes each batch as one block blob in `container`, as GO Feature Flag's azureBlobStorage
 * exporter, but create-only (`If-None-Match: *`): a retried batch never makes a second blob nor
 * overwrites one. Large batches stream as staged blocks, never one buffer.
 */
export class AzureBlobExporter extends BlobExporter {
  readonly container: string;

  constructor(options: AzureBlobExporterOptions) {
    if (typeof options !== 'object' || options === null) {
      throw new TypeError('AzureBlobExporter options must be an object with at least container');
    }
    refuseUnknownKeys('AzureBlobExporter', options, KNOWN);
    const client = containerClientFactory(options);
    const blockSize = options.blockSize ?? 4 * MiB;
    if (!Number.isInteger(blockSize) || blockSize < 1 || blockSize > MAX_BLOCK_SIZE) {
      throw new TypeError(
        `AzureBlobExporter option blockSize must be a number of bytes from 1 to ${MAX_BLOCK_SIZE}, got ${blockSize}`,
      );
    }
    const maxConcurrency = options.maxConcurrency ?? 4;
    if (!Number.isInteger(maxConcurrency) || maxConcurrency < 1) {
      throw new TypeError(
        `AzureBlobExporter option maxConcurrency must be an integer >= 1, got ${maxConcurrency}`,
      );
    }
    super(new AzureBlobStore(options.container, client, { blockSize, maxConcurrency }), options);
    this.container = options.container;
  }
}
