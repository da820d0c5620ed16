import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { BlobExporter, type BlobExporterOptions } from '@ff/exporter-core';
import { S3Store } from './s3-store.js';

export interface S3ExporterOptions extends BlobExporterOptions {
  /** The bucket objects are written to; it must exist. Required. */
  bucket: string;
  /** A client to use as it is (its retries, credentials, endpoint); the exporter never destroys it. */
  client?: S3Client;
  /** Settings for the exporter's own client when no `client` is given. `maxAttempts` is always 1: DataExporter retries. */
  clientConfig?: S3ClientConfig;
}

/**
 * Writes each batch as one S3 object under `path`, as GO Feature Flag's S3 exporter, but create-only
 * (a retried batch never makes a second object) and streamed as multipart when it is large.
 */
export class S3Exporter extends BlobExporter {
  readonly bucket: string;
  readonly client: S3Client;

  constructor(options: S3ExporterOptions) {
    const bucket = options?.bucket;
    if (typeof bucket !== 'string' || bucket.trim() === '') {
      throw new TypeError(`S3Exporter option bucket must be a bucket name, got ${String(bucket)}`);
    }
    if (options.client !== undefined && options.clientConfig !== undefined) {
      throw new TypeError(
        'S3Exporter: give client or clientConfig, not both (clientConfig configures the exporter’s own client)',
      );
    }
    // The SDK's client connects on its first send, never here; its credential chain and AWS_* env apply.
    const client = options.client ?? new S3Client({ ...options.clientConfig, maxAttempts: 1 });
    super(new S3Store({ bucket, client, ownsClient: options.client === undefined }), options);
    this.bucket = bucket;
    this.client = client;
  }
}
