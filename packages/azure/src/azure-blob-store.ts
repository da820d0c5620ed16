import type { ContainerClient } from '@azure/storage-blob';
import type { BlobStore, BlobWriteOptions } from '@ff/exporter-core';
import { uploadBlocks } from './block-upload.js';
import { classify, isAlreadyExists, type Target } from './errors.js';

export interface AzureBlobStoreOptions {
  /** Bytes per staged block. */
  blockSize: number;
  /** Blocks staged at once. */
  maxConcurrency: number;
}

/** A blob container as a BlobStore: create-only block blobs, streamed as staged blocks when large. */
export class AzureBlobStore implements BlobStore {
  readonly #client: () => Promise<ContainerClient>;
  readonly #container: string;
  readonly #options: AzureBlobStoreOptions;

  constructor(container: string, client: () => Promise<ContainerClient>, options: AzureBlobStoreOptions) {
    this.#container = container;
    this.#client = client;
    this.#options = options;
  }

  async create(
    name: string,
    body: AsyncIterable<Uint8Array>,
    options: BlobWriteOptions,
  ): Promise<'created' | 'exists'> {
    let target: Target = { container: this.#container, endpoint: '(not connected)' };
    try {
      const client = await this.#client();
      target = { container: this.#container, endpoint: withoutQuery(client.url) };
      await uploadBlocks(client.getBlockBlobClient(name), body, { ...this.#options, ...options });
      return 'created';
    } catch (err) {
      if (isAlreadyExists(err)) return 'exists';
      throw classify(err, target, name);
    }
  }
}

function withoutQuery(url: string): string {
  const parsed = new URL(url);
  parsed.search = '';
  return parsed.href;
}
