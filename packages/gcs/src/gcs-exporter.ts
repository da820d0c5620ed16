import { BlobExporter, type BlobExporterOptions } from '@ff/exporter-core';
import { Storage, type StorageOptions } from '@google-cloud/storage';
import { GcsStore } from './gcs-store.js';

export interface GcsExporterOptions extends BlobExporterOptions {
  /** The bucket objects are written to. Required; it must exist. */
  bucket: string;
  /** A Storage client to use as is (its own retry settings included). Default: one built from `storageOptions`. */
  storage?: Storage;
  /**
   * Options for the exporter's own Storage client (projectId, keyFilename, credentials, apiEndpoint, …).
   * Its retries are switched off (`retryOptions.autoRetry: false`): core retries whole batches.
   */
  storageOptions?: StorageOptions;
}

/**
 * Writes each batch as one object in a Google Cloud Storage bucket, as GO Feature Flag's googleStorage
 * exporter, but create-only (`ifGenerationMatch: 0`), so a retried batch never makes a second object,
 * and streamed as a resumable upload when large.
 */
export class GcsExporter extends BlobExporter {
  readonly bucket: string;

  constructor(options: GcsExporterOptions) {
    const bucket = options?.bucket;
    if (typeof bucket !== 'string' || bucket.trim() === '') {
      throw new TypeError(`GcsExporter option bucket must be a bucket name, got ${String(bucket)}`);
    }
    const { storage: given, storageOptions } = options;
    if (given !== undefined && storageOptions !== undefined) {
      throw new TypeError(
        'GcsExporter options storage and storageOptions exclude each other: storageOptions configures the client the exporter builds when no storage is given',
      );
    }
    if (given !== undefined && typeof given?.bucket !== 'function') {
      throw new TypeError('GcsExporter option storage must be a Storage from @google-cloud/storage');
    }
    let storage = given;
    super(
      new GcsStore(bucket, () => {
        storage ??= ownStorage(storageOptions);
        return storage;
      }),
      options,
    );
    this.bucket = bucket;
  }
}

/** The exporter's own client: the SDK's defaults (credentials, STORAGE_EMULATOR_HOST) with its retries off. */
function ownStorage(options: StorageOptions = {}): Storage {
  return new Storage({
    ...options,
    // Core owns retries: one failed request is one failed attempt, so retries never nest. No error
    // counts as retryable inside the SDK, which also keeps the HTTP status on the errors it reports.
    retryOptions: { ...options.retryOptions, autoRetry: false, retryableErrorFn: () => false },
  });
}
