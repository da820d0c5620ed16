import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BlobStore, BlobWriteOptions } from '@ff/exporter-core';
import type { Bucket, CreateWriteStreamOptions, File, Storage } from '@google-cloud/storage';
import { classifyUploadError, type UploadTrace } from './gcs-errors.js';

/**
 * Bodies up to this size go up as one multipart request; a larger one streams as a resumable upload.
 * Below it, a resumable upload's extra round trip (the session POST) buys nothing: a failed attempt
 * is retried whole by core either way.
 */
export const RESUMABLE_THRESHOLD = 8 * 1024 * 1024;

/** How far encoding may run ahead of the upload: a few ~1 MB chunks. */
const READ_AHEAD = 8 * 1024 * 1024;

/**
 * Create-only: the write succeeds only if no live object of that name exists (generation 0). GCS
 * checks it on the multipart request, and on the resumable session's start and finalisation.
 */
const CREATE_ONLY = { ifGenerationMatch: 0 } as const;

/** A Cloud Storage bucket as a BlobStore. The Storage client is made on first use: nothing connects before. */
export class GcsStore implements BlobStore {
  readonly bucketName: string;
  readonly #storage: () => Storage;
  #bucket: Bucket | undefined;

  constructor(bucketName: string, storage: () => Storage) {
    this.bucketName = bucketName;
    this.#storage = storage;
  }

  async create(
    name: string,
    body: AsyncIterable<Uint8Array>,
    options: BlobWriteOptions,
  ): Promise<'created' | 'exists'> {
    const { signal } = options;
    this.#bucket ??= this.#storage().bucket(this.bucketName);
    const trace: UploadTrace = { bucket: this.bucketName, name, resumable: false, sessionStarted: false };
    try {
      signal.throwIfAborted();
      const chunks = body[Symbol.asyncIterator]();
      const head = await readUpTo(chunks, RESUMABLE_THRESHOLD, signal);
      trace.resumable = !head.done;
      const file = this.#bucket.file(name);
      file.interceptors.push(attemptBound(signal, options.deadline));
      const writeOptions: CreateWriteStreamOptions = {
        resumable: trace.resumable,
        contentType: options.contentType,
        preconditionOpts: CREATE_ONLY,
        // No Content-Encoding: the bytes are stored as the format made them (gzip stays gzip on download).
        gzip: false,
      };
      const stream = file.createWriteStream(writeOptions);
      stream.on('response', (response: UploadTrace['response']) => {
        trace.response = response;
      });
      stream.on('uri', () => {
        trace.sessionStarted = true;
      });
      // The SDK's inner streams can report an error after the pipeline below has settled (an aborted
      // upload whose request answers late): keep a listener for the stream's whole life.
      stream.on('error', () => {});
      // Encoding reads ahead of the upload by up to READ_AHEAD bytes, so the next chunks are made
      // while the last ones are on the wire instead of after.
      const source = Readable.from(concat(head.chunks, chunks), {
        objectMode: false,
        highWaterMark: READ_AHEAD,
      });
      await pipeline(source, stream, { signal });
      return 'created';
    } catch (err) {
      const classified = classifyUploadError(err, trace, signal, () => this.#storage().apiEndpoint);
      if (classified === 'exists') return 'exists';
      throw classified;
    }
  }
}

/**
 * A request interceptor tying the upload's requests to the attempt. The SDK takes no AbortSignal:
 * the interceptor hands ours to gaxios (the resumable session's POST stops the moment the attempt is
 * aborted) and gives every request the attempt's deadline as its timeout, the only bound on the
 * requests the signal cannot reach (the multipart request through teeny-request, and the data PUT,
 * whose own signal the SDK does not abort when its stream is destroyed). An interceptor, because the
 * SDK overwrites `createWriteStream`'s `timeout` option with the client's.
 */
function attemptBound(signal: AbortSignal, deadline: number | undefined): File['interceptors'][number] {
  const request = (options: object) => {
    const bound: Record<string, unknown> = { ...options, signal };
    if (deadline !== undefined) bound.timeout = Math.max(1, deadline - Date.now());
    return bound;
  };
  return { request } as unknown as File['interceptors'][number];
}

/** Reads chunks until more than `limit` bytes are held or the body ends; on abort or error, stops the encoder. */
async function readUpTo(
  chunks: AsyncIterator<Uint8Array>,
  limit: number,
  signal: AbortSignal,
): Promise<{ chunks: Uint8Array[]; done: boolean }> {
  const head: Uint8Array[] = [];
  let bytes = 0;
  try {
    while (bytes <= limit) {
      const next = await chunks.next();
      if (next.done) return { chunks: head, done: true };
      signal.throwIfAborted();
      head.push(next.value);
      bytes += next.value.byteLength;
    }
  } catch (err) {
    await chunks.return?.();
    throw err;
  }
  return { chunks: head, done: false };
}

async function* concat(head: Uint8Array[], rest: AsyncIterator<Uint8Array>): AsyncGenerator<Uint8Array> {
  try {
    yield* head;
    for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
  } finally {
    // Aborted or failed mid-way: stop the encoder too.
    await rest.return?.();
  }
}
