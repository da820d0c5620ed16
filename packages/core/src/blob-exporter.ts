import type { ExportableEvent } from './events.js';
import { ExportError } from './export-error.js';
import type { ExportContext, Exporter, ExportResult } from './exporter.js';
import type { Format } from './formats/format.js';
import { type FormatOption, type FormatSettings, resolveFormat } from './formats/resolve-format.js';
import { ObjectNamer } from './object-name.js';

/** Where a blob exporter's bytes go: a folder, a bucket, a container. The only part a sink package writes. */
export interface BlobStore {
  /**
   * Creates the object `name` from `body`, create-only: resolves `'exists'`, writing nothing, when an
   * object of that name is already there. Throws ExportError for failures it can classify.
   */
  create(
    name: string,
    body: AsyncIterable<Uint8Array>,
    options: BlobWriteOptions,
  ): Promise<'created' | 'exists'>;
  close?(): Promise<void>;
}

export interface BlobWriteOptions {
  contentType: string;
  signal: AbortSignal;
}

/** The options every blob exporter shares, with GO Feature Flag's names. */
export interface BlobExporterOptions extends FormatSettings {
  /** `'json'` (default), `'csv'`, `'parquet'` (any case) or a Format such as `parquet()`. */
  format?: FormatOption;
  /** File name template. Default `flag-variation-{{ .Hostname}}-{{ .Timestamp}}.{{ .Format}}`. */
  filename?: string;
  /** Folder or key prefix. */
  path?: string;
}

/**
 * A bulk exporter writing each batch as one object: encodes through its Format, names the object
 * when the batch is cut, and writes it create-only, so a retried batch never makes a second object.
 */
export class BlobExporter implements Exporter {
  readonly format: Format;
  readonly #store: BlobStore;
  readonly #names: ObjectNamer;

  constructor(store: BlobStore, options: BlobExporterOptions = {}) {
    this.#store = store;
    this.format = resolveFormat(options.format, options);
    const naming = { format: this.format.name } as ConstructorParameters<typeof ObjectNamer>[0];
    if (options.filename !== undefined) naming.filename = options.filename;
    if (options.path !== undefined) naming.path = options.path;
    this.#names = new ObjectNamer(naming);
  }

  isBulk(): boolean {
    return true;
  }

  /** The name a batch is written under. */
  objectName(context: Pick<ExportContext, 'batchId' | 'batchCreatedAt'>): string {
    return this.#names.name(context.batchId, context.batchCreatedAt);
  }

  async export(events: readonly ExportableEvent[], context: ExportContext): Promise<ExportResult> {
    const rejected: number[] = [];
    const body = await nonEmpty(this.format.encode(events, (index) => rejected.push(index)));
    if (!body) return { rejected };
    const name = this.objectName(context);
    const outcome = await this.#store.create(name, body, {
      contentType: this.format.contentType,
      signal: context.signal,
    });
    if (outcome === 'exists' && context.attempt === 1) {
      throw new ExportError(`object '${name}' already exists: refusing to overwrite it`, {
        retryable: false,
      });
    }
    // 'exists' on a retry: an earlier attempt of this batch wrote it, so it is delivered. The store read
    // no body then: encode the rest anyway so that `rejected` names every unserialisable event.
    if (outcome === 'exists') for await (const _ of body) void _;
    return { rejected };
  }

  async close(): Promise<void> {
    await this.#store.close?.();
  }
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
