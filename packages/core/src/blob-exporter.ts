import { type Compression, checkCompression, gzipChunks } from './compression.js';
import type { ExportableEvent } from './events.js';
import { ExportError, isExportError } from './export-error.js';
import type { ExportContext, Exporter, ExportResult } from './exporter.js';
import type { Format } from './formats/format.js';
import { type FormatOption, type FormatSettings, resolveFormat } from './formats/resolve-format.js';
import { type ObjectNameOptions, ObjectNamer } from './object-name.js';

/** Where a blob exporter's bytes go: a folder, a bucket, a container. The only part a sink package writes. */
export interface BlobStore {
  /**
   * Creates the object `name` from `body`, create-only: resolves `'exists'`, writing nothing, when an
   * object of that name is already there. Throws ExportError for failures it can classify. `body`
   * is a stream of unknown length, possibly large: send it as it comes (multipart, resumable,
   * blocks), never collect it whole; stop reading it and settle soon when `options.signal` aborts.
   */
  create(
    name: string,
    body: AsyncIterable<Uint8Array>,
    options: BlobWriteOptions,
  ): Promise<'created' | 'exists'>;
  /** Releases the store's clients; called once by the exporter's close(). */
  close?(): Promise<void>;
}

/** How a BlobStore writes one object. */
export interface BlobWriteOptions {
  /** The format's content type (`application/x-ndjson`, `text/csv`, …), also when gzip-compressed. */
  contentType: string;
  /** The attempt's signal: abort the upload and settle when it aborts. */
  signal: AbortSignal;
}

/** The options every blob exporter shares, with GO Feature Flag's names. */
export interface BlobExporterOptions extends FormatSettings {
  /** `'json'` (default), `'csv'`, `'parquet'` (any case) or a Format such as `parquet()`. */
  format?: FormatOption;
  /** File name template. Default `flag-variation-{{ .Hostname}}-{{ .Timestamp}}.{{ .Format}}`. */
  filename?: string;
  /**
   * Folder or key prefix. May hold `{{ .Year}}`, `{{ .Month}}`, `{{ .Day}}`, `{{ .Hour}}` and
   * `{{ .Date}}` (YYYY-MM-DD), from each event's creationDate in UTC: `events/dt={{ .Date}}` makes
   * Hive-style partitions, and a batch writes one object per partition its events fall in.
   */
  path?: string;
  /**
   * `'gzip'`: JSON and CSV objects are gzip files, named `….json.gz` / `….csv.gz`, with the
   * format's content type and no `Content-Encoding` (clients download them as they are). Parquet
   * compresses itself: `parquet({ compression })`.
   */
  compression?: Compression;
}

/** The events of one object: all of the batch, or those of one partition (`indexes` into the batch). */
interface Part {
  partition: string | undefined;
  events: readonly ExportableEvent[];
  indexes?: number[];
}

/**
 * A bulk exporter writing each batch as one object per partition: encodes through its Format, names
 * the objects from the batch (so retries reuse the names), and writes them create-only, so a retried
 * batch never makes a second object. When some partitions are written and one fails, only the
 * events of the unwritten ones are retried.
 */
export class BlobExporter implements Exporter {
  readonly format: Format;
  /** `'gzip'` when objects are gzip-compressed. */
  readonly compression: Compression | undefined;
  readonly #store: BlobStore;
  readonly #names: ObjectNamer;

  constructor(store: BlobStore, options: BlobExporterOptions = {}) {
    this.#store = store;
    this.format = resolveFormat(options.format, options);
    this.compression = checkCompression(options.compression, this.format);
    const naming: ObjectNameOptions = { format: this.format.name };
    if (options.filename !== undefined) naming.filename = options.filename;
    if (options.path !== undefined) naming.path = options.path;
    if (this.compression === 'gzip') naming.suffix = '.gz';
    this.#names = new ObjectNamer(naming);
  }

  isBulk(): boolean {
    return true;
  }

  /**
   * The name a batch is written under; with date placeholders in `path`, the name of the object
   * holding the batch's events created at `creationDate` (unix seconds).
   */
  objectName(context: Pick<ExportContext, 'batchId' | 'batchCreatedAt'>, creationDate?: number): string {
    const partition = creationDate === undefined ? undefined : this.#names.partition(creationDate);
    if (creationDate !== undefined && partition === undefined) {
      throw new TypeError(`creationDate must be integer unix seconds, got ${String(creationDate)}`);
    }
    return this.#names.name(context.batchId, context.batchCreatedAt, partition);
  }

  async export(events: readonly ExportableEvent[], context: ExportContext): Promise<ExportResult> {
    const rejected: number[] = [];
    const parts = this.#split(events, rejected, context);
    const delivered: Part[] = [];
    for (const part of parts) {
      const before = rejected.length;
      try {
        context.signal.throwIfAborted();
        await this.#write(part, context, (index) => rejected.push(part.indexes?.[index] ?? index));
      } catch (err) {
        if (delivered.length === 0) throw err;
        throw partialFailure(err, events.length, delivered, rejected.slice(0, before));
      }
      delivered.push(part);
    }
    return { rejected };
  }

  async close(): Promise<void> {
    await this.#store.close?.();
  }

  /** The batch as one part per partition, in order of first appearance; events with no partition are rejected. */
  #split(events: readonly ExportableEvent[], rejected: number[], context: ExportContext): Part[] {
    const names = this.#names;
    if (!names.partitioned) return [{ partition: undefined, events }];
    const first = events.length > 0 ? partitionOf(names, events[0]) : undefined;
    let i = 1;
    while (first !== undefined && i < events.length && partitionOf(names, events[i]) === first) i++;
    // The common case, a batch within one partition, copies nothing.
    if (first !== undefined && i === events.length) return [{ partition: first, events }];
    const parts = new Map<string, Part & { indexes: number[] }>();
    for (let index = 0; index < events.length; index++) {
      const partition = partitionOf(names, events[index]);
      if (partition === undefined) {
        rejected.push(index);
        continue;
      }
      let part = parts.get(partition);
      if (!part) {
        part = { partition, events: [], indexes: [] };
        parts.set(partition, part);
      }
      (part.events as ExportableEvent[]).push(events[index] as ExportableEvent);
      part.indexes.push(index);
    }
    if (rejected.length > 0) {
      context.logger.warn(
        { batchId: context.batchId, rejected: rejected.length },
        `${rejected.length} events have no valid creationDate (integer unix seconds) to fill the date placeholders of path: rejected`,
      );
    }
    return [...parts.values()];
  }

  /** Encodes and writes one part's object; reports unserialisable events (indexes into `part.events`). */
  async #write(part: Part, context: ExportContext, onInvalid: (index: number) => void): Promise<void> {
    const encoded = await nonEmpty(this.format.encode(part.events, onInvalid));
    if (!encoded) return;
    const name = this.#names.name(context.batchId, context.batchCreatedAt, part.partition);
    const gzip = this.compression === 'gzip' ? gzipChunks(encoded) : undefined;
    const body = gzip ?? encoded;
    try {
      const outcome = await this.#store.create(name, body, {
        contentType: this.format.contentType,
        signal: context.signal,
      });
      if (outcome === 'exists' && context.attempt === 1) {
        throw new ExportError(`object '${name}' already exists: refusing to overwrite it`, {
          retryable: false,
        });
      }
      // 'exists' on a retry: an earlier attempt of this batch wrote it, so it is delivered. The store
      // read no body then: encode the rest anyway so that `rejected` names every unserialisable event.
      if (outcome === 'exists') for await (const _ of body) void _;
    } finally {
      // A store that stopped reading (a failure, 'exists') leaves no zlib handle behind.
      gzip?.destroy();
    }
  }
}

/** An event's partition, or undefined when its creationDate cannot place it (or reading it throws). */
function partitionOf(names: ObjectNamer, event: ExportableEvent | undefined): string | undefined {
  try {
    return names.partition(event?.creationDate);
  } catch {
    return undefined;
  }
}

/**
 * Some partitions written, then one failed: the error, with `undelivered` naming every event not
 * confirmed written (the unwritten partitions, and the events rejected so far, which a retry rejects
 * again instead of counting them exported).
 */
function partialFailure(
  err: unknown,
  batchSize: number,
  delivered: readonly Part[],
  rejected: readonly number[],
): ExportError {
  const written = new Uint8Array(batchSize);
  for (const part of delivered) {
    if (part.indexes) for (const index of part.indexes) written[index] = 1;
    else written.fill(1);
  }
  for (const index of rejected) written[index] = 0;
  const undelivered: number[] = [];
  for (let index = 0; index < batchSize; index++) if (written[index] === 0) undelivered.push(index);
  const classified = isExportError(err) ? err : undefined;
  const message = err instanceof Error ? err.message : String(err);
  return new ExportError(
    `${delivered.length} partitions written, the next failed (${undelivered.length} events to retry): ${message}`,
    {
      retryable: classified?.retryable ?? true,
      ...(classified?.retryAfterMs === undefined ? {} : { retryAfterMs: classified.retryAfterMs }),
      undelivered,
      cause: err,
    },
  );
}

/** The chunks again, or undefined when there are none: an empty batch writes no object. */
async function nonEmpty(chunks: AsyncIterable<Uint8Array>): Promise<AsyncIterable<Uint8Array> | undefined> {
  const iterator = chunks[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done) return undefined;
  return (async function* () {
    yield first.value;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  })();
}
