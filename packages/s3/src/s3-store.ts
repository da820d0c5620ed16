import {
  AbortMultipartUploadCommand,
  type CompletedPart,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { BlobStore, BlobWriteOptions } from '@ff/exporter-core';
import { PartReader } from './part-reader.js';
import { isConflict, toExportError } from './s3-errors.js';

/** 8 MiB: above S3's 5 MiB minimum part, and 10 000 parts (S3's maximum) make 80 GiB. */
export const DEFAULT_PART_SIZE = 8 * 1024 * 1024;
/** Parts uploaded side by side; memory held is about (queueSize + 1) × partSize (one more being read). */
export const DEFAULT_QUEUE_SIZE = 4;
/** How long the clean-up of a failed multipart upload may take: it must not hang close() on a dead network. */
const ABORT_UPLOAD_TIMEOUT_MS = 5_000;

export interface S3StoreOptions {
  bucket: string;
  client: S3Client;
  /** Bytes per multipart part; a body of at most one part goes up as one PutObject. Default 8 MiB. */
  partSize?: number;
  /** Parts in flight at once. Default 4. */
  queueSize?: number;
  /** Destroy the client on close(): true for a client the exporter built itself. */
  ownsClient?: boolean;
}

/**
 * An S3 bucket as a BlobStore. Every write is create-only (`If-None-Match: *`, on PutObject and on
 * CompleteMultipartUpload): a 412 (or 409 ConditionalRequestConflict) means the key exists. A body
 * longer than one part streams as a multipart upload of fixed-size parts.
 */
export class S3Store implements BlobStore {
  readonly bucket: string;
  readonly client: S3Client;
  readonly #partSize: number;
  readonly #queueSize: number;
  readonly #ownsClient: boolean;
  /** Clean-ups of failed multipart uploads still running: close() waits for them, briefly. */
  readonly #cleanups = new Set<Promise<void>>();
  #endpoint: Promise<string> | undefined;

  constructor(options: S3StoreOptions) {
    this.bucket = options.bucket;
    this.client = options.client;
    this.#partSize = options.partSize ?? DEFAULT_PART_SIZE;
    this.#queueSize = options.queueSize ?? DEFAULT_QUEUE_SIZE;
    this.#ownsClient = options.ownsClient ?? false;
  }

  async create(
    name: string,
    body: AsyncIterable<Uint8Array>,
    options: BlobWriteOptions,
  ): Promise<'created' | 'exists'> {
    const parts = new PartReader(body, this.#partSize);
    try {
      const first = (await parts.next()) ?? Buffer.alloc(0);
      const second = first.length < this.#partSize ? undefined : await parts.next();
      if (second === undefined) return await this.#put(name, first, options);
      return await this.#multipart(name, [first, second], parts, options);
    } catch (err) {
      await parts.cancel().catch(() => {});
      throw toExportError(
        err,
        { bucket: this.bucket, key: name, endpoint: await this.#describe() },
        options.signal,
      );
    }
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.#cleanups);
    if (this.#ownsClient) this.client.destroy();
  }

  async #put(
    key: string,
    data: Buffer,
    { contentType, signal }: BlobWriteOptions,
  ): Promise<'created' | 'exists'> {
    const command = new PutObjectCommand({
      Bucket: this.bucket,
      Key: key,
      Body: data,
      ContentLength: data.length,
      ContentType: contentType,
      IfNoneMatch: '*',
    });
    return this.client.send(command, { abortSignal: signal }).then(
      () => 'created' as const,
      (err: unknown) => {
        if (isConflict(err)) return 'exists' as const;
        throw err;
      },
    );
  }

  async #multipart(
    key: string,
    head: Buffer[],
    rest: PartReader,
    { contentType, signal }: BlobWriteOptions,
  ): Promise<'created' | 'exists'> {
    // The SDK's default (requestChecksumCalculation WHEN_SUPPORTED) sends a CRC32 per part: S3 then
    // wants the algorithm declared at creation and each part's checksum again at completion.
    const withChecksums = (await this.client.config.requestChecksumCalculation()) === 'WHEN_SUPPORTED';
    const created = await this.client.send(
      new CreateMultipartUploadCommand({
        Bucket: this.bucket,
        Key: key,
        ContentType: contentType,
        ...(withChecksums && { ChecksumAlgorithm: 'CRC32' }),
      }),
      { abortSignal: signal },
    );
    const uploadId = created.UploadId;
    if (uploadId === undefined) throw new Error(`CreateMultipartUpload for '${key}' returned no UploadId`);
    try {
      const parts = await this.#uploadParts(key, uploadId, head, rest, signal);
      await this.client.send(
        new CompleteMultipartUploadCommand({
          Bucket: this.bucket,
          Key: key,
          UploadId: uploadId,
          MultipartUpload: { Parts: parts },
          IfNoneMatch: '*',
        }),
        { abortSignal: signal },
      );
      return 'created';
    } catch (err) {
      // Parts of an unfinished upload are stored (and billed) until aborted.
      this.#abandon(key, uploadId);
      if (isConflict(err)) return 'exists';
      throw err;
    }
  }

  /** Uploads every part, `queueSize` at a time; on the first failure stops the others and throws it. */
  async #uploadParts(
    key: string,
    uploadId: string,
    head: Buffer[],
    rest: PartReader,
    signal: AbortSignal,
  ): Promise<CompletedPart[]> {
    const stop = new AbortController();
    const partSignal = AbortSignal.any([signal, stop.signal]);
    const done: CompletedPart[] = [];
    const inFlight = new Set<Promise<void>>();
    let failure: { error: unknown } | undefined;
    let number = 0;
    // Buffers of parts S3 has acknowledged, filled again by the next parts (the SDK is done with them).
    const spare: Buffer[] = [];
    const upload = async (data: Buffer, partNumber: number) => {
      const result = await this.client.send(
        new UploadPartCommand({
          Bucket: this.bucket,
          Key: key,
          UploadId: uploadId,
          PartNumber: partNumber,
          Body: data,
          ContentLength: data.length,
        }),
        { abortSignal: partSignal },
      );
      done.push({
        PartNumber: partNumber,
        ETag: result.ETag,
        ...(result.ChecksumCRC32 !== undefined && { ChecksumCRC32: result.ChecksumCRC32 }),
      });
      if (data.length === this.#partSize) spare.push(data);
    };
    const next = async () => head.shift() ?? (await rest.next(spare.pop()));
    try {
      let data = await next();
      while (data !== undefined && failure === undefined) {
        // Settled promises only: a part's failure is recorded, never left as an unhandled rejection.
        const part: Promise<void> = upload(data, ++number).then(
          () => {
            inFlight.delete(part);
          },
          (error: unknown) => {
            inFlight.delete(part);
            failure ??= { error };
            stop.abort();
          },
        );
        inFlight.add(part);
        // The next part is read while the others are on the wire; then it waits for a free slot.
        data = await next();
        while (inFlight.size >= this.#queueSize) await Promise.race(inFlight);
        signal.throwIfAborted();
      }
      await Promise.all(inFlight);
    } catch (err) {
      // The body failed (an encoder error) or the attempt was aborted: the parts in flight stop too.
      stop.abort();
      throw err;
    }
    if (failure !== undefined) throw failure.error;
    signal.throwIfAborted();
    return done.sort((a, b) => (a.PartNumber ?? 0) - (b.PartNumber ?? 0));
  }

  /** Aborts a multipart upload in the background, bounded in time; its failure only leaves parts behind. */
  #abandon(key: string, uploadId: string): void {
    const cleanup = this.client
      .send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId }), {
        abortSignal: AbortSignal.timeout(ABORT_UPLOAD_TIMEOUT_MS),
      })
      .then(
        () => {},
        () => {},
      )
      .finally(() => this.#cleanups.delete(cleanup));
    this.#cleanups.add(cleanup);
  }

  /** The endpoint, for error messages: the configured one, or the region's. */
  #describe(): Promise<string> {
    this.#endpoint ??= describeEndpoint(this.client);
    return this.#endpoint;
  }
}

async function describeEndpoint(client: S3Client): Promise<string> {
  try {
    const endpoint = await client.config.endpoint?.();
    if (endpoint) {
      const port = endpoint.port === undefined ? '' : `:${endpoint.port}`;
      return `${endpoint.protocol}//${endpoint.hostname}${port}${endpoint.path === '/' ? '' : endpoint.path}`;
    }
  } catch {}
  // The SDK reads these itself, after the client's config: name the one it used.
  for (const name of ['AWS_ENDPOINT_URL_S3', 'AWS_ENDPOINT_URL']) {
    const url = process.env[name];
    if (url && process.env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS !== 'true') return `${url} from ${name}`;
  }
  try {
    return `AWS region ${await client.config.region()}`;
  } catch {
    return 'AWS, no region set';
  }
}
