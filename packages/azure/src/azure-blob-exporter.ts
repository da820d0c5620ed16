import type { TokenCredential } from '@azure/core-auth';
import type { ContainerClient } from '@azure/storage-blob';
import { BlobExporter, type BlobExporterOptions } from '@ff/exporter-core';
import { AzureBlobStore } from './azure-blob-store.js';
import { containerClientFactory } from './container-client.js';

export interface AzureBlobExporterOptions extends BlobExporterOptions {
  /** The blob container written to; it must exist. Required. */
  container: string;
  /** The storage account (GO Feature Flag's `accountName`); the default serviceUrl is `https://<accountName>.blob.core.windows.net/`. */
  accountName?: string;
  /** The account's shared key (GO Feature Flag's `accountKey`). Without it, credential or DefaultAzureCredential is used. */
  accountKey?: string;
  /** The Blob service endpoint, e.g. Azurite's `http://127.0.0.1:10000/devstoreaccount1`, or a URL carrying a SAS token. */
  serviceUrl?: string;
  /** An Azure Storage connection string (holds account, key and endpoint). */
  connectionString?: string;
  /** A Microsoft Entra ID credential, e.g. `new DefaultAzureCredential()` or `new ManagedIdentityCredential()`. */
  credential?: TokenCredential;
  /** A ContainerClient of your own, used as is (its retry policy included). */
  client?: ContainerClient;
  /** Bytes per staged block of a large batch; a smaller body goes up as one Put Blob. Default 4 MiB. */
  blockSize?: number;
  /** Blocks staged at once. Default 4. */
  maxConcurrency?: number;
}

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
