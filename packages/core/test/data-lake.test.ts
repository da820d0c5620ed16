import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  BlobExporter,
  type BlobWriteOptions,
  type ExportContext,
  ExportError,
  type Format,
  jsonLines,
  silentLogger,
} from '../src/index.js';
import { featureEvent, MemoryBlobStore, makeDataExporter, recordingLogger } from './helpers.js';

// DESIGN §5 data-lake layout: date partitions from each event's creationDate (UTC), gzip, key rules.

const MIDNIGHT = Date.UTC(2023, 10, 15) / 1000; // 2023-11-15T00:00:00Z, unix seconds
const BEFORE = MIDNIGHT - 1; // 2023-11-14T23:59:59Z

function context(overrides: Partial<ExportContext> = {}): ExportContext {
  return {
    signal: new AbortController().signal,
    logger: silentLogger,
    batchId: 'abcd1234-1',
    attempt: 1,
    deadline: Date.now() + 30_000,
    batchCreatedAt: 1_617_970_547_000,
    ...overrides,
  };
}

const keys = (text: string) =>
  text
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line).key as string);

/** A MemoryBlobStore whose create() fails, before reading anything, for the names `fail` picks. */
class FailingStore extends MemoryBlobStore {
  constructor(readonly fail: (name: string, call: number) => Error | undefined) {
    super();
  }
  override async create(
    name: string,
    body: AsyncIterable<Uint8Array>,
    options: BlobWriteOptions,
  ): Promise<'created' | 'exists'> {
    const error = this.fail(name, this.calls.length);
    if (error) {
      this.calls.push({ name, options });
      throw error;
    }
    return super.create(name, body, options);
  }
}

describe('date partitions in path', () => {
  it('a batch spanning midnight UTC becomes one object per date, each event in its own date', async () => {
    const store = new MemoryBlobStore();
    const exporter = new BlobExporter(store, { path: 'events/dt={{ .Date}}' });
    const events = [
      featureEvent(0, { creationDate: BEFORE }),
      featureEvent(1, { creationDate: MIDNIGHT }),
      featureEvent(2, { creationDate: BEFORE - 3_600 }),
      featureEvent(3, { creationDate: MIDNIGHT + 86_399 }),
    ];
    const ctx = context();
    await expect(exporter.export(events, ctx)).resolves.toEqual({ rejected: [] });
    const file = `flag-variation-${hostname()}-1617970547-abcd1234-1.json`;
    expect([...store.objects.keys()]).toEqual([
      `events/dt=2023-11-14/${file}`,
      `events/dt=2023-11-15/${file}`,
    ]);
    expect(keys(store.text(`events/dt=2023-11-14/${file}`))).toEqual(['flag-0', 'flag-2']);
    expect(keys(store.text(`events/dt=2023-11-15/${file}`))).toEqual(['flag-1', 'flag-3']);
    // The names are fixed by the batch: objectName() gives them, for any event of the partition.
    expect(exporter.objectName(ctx, BEFORE - 3_600)).toBe(`events/dt=2023-11-14/${file}`);
    expect(exporter.objectName(ctx, MIDNIGHT)).toBe(`events/dt=2023-11-15/${file}`);
  });

  it('fills {{ .Year}}, {{ .Month}}, {{ .Day}}, {{ .Hour}} zero-padded, in UTC', async () => {
    const store = new MemoryBlobStore();
    const exporter = new BlobExporter(store, {
      path: 'y={{ .Year}}/m={{.Month}}/d={{ .Day }}/h={{ .Hour}}',
      filename: 'part-{{ .BatchId}}.{{ .Format}}',
    });
    const at = Date.UTC(2024, 1, 3, 4, 5, 6) / 1000;
    await exporter.export(
      [featureEvent(0, { creationDate: at }), featureEvent(1, { creationDate: at + 3_600 })],
      context(),
    );
    expect([...store.objects.keys()]).toEqual([
      'y=2024/m=02/d=03/h=04/part-abcd1234-1.json',
      'y=2024/m=02/d=03/h=05/part-abcd1234-1.json',
    ]);
  });

  it('writes a batch within one partition as one object, without copying the batch', async () => {
    const store = new MemoryBlobStore();
    const events = [featureEvent(0), featureEvent(1)];
    let encoded: readonly unknown[] | undefined;
    const format: Format = {
      ...jsonLines(),
      encode: (batch, onInvalid) => {
        encoded = batch;
        return jsonLines().encode(batch, onInvalid);
      },
    };
    await new BlobExporter(store, { format, path: 'dt={{ .Date}}' }).export(events, context());
    expect(store.objects.size).toBe(1);
    expect(encoded).toBe(events);
  });

  it('rejects (counts failed) the events whose creationDate cannot be placed, and writes the rest', async () => {
    const store = new MemoryBlobStore();
    const logger = recordingLogger();
    const de = makeDataExporter({
      exporter: new BlobExporter(store, { path: 'dt={{ .Date}}' }),
      logger,
      maxEventsInMemory: 100,
    });
    de.add(featureEvent(0, { creationDate: 1.5 }));
    de.add(featureEvent(1));
    de.add(featureEvent(2, { creationDate: Number.NaN }));
    de.add(featureEvent(3, { creationDate: '1700000000' as unknown as number }));
    de.add(featureEvent(4, { creationDate: 1e15 }));
    de.add(featureEvent(5));
    await de.flush();
    expect(de.stats()).toMatchObject({ received: 6, exported: 2, failed: 4, pending: 0 });
    const [name] = store.objects.keys();
    expect(name).toMatch(/^dt=2023-11-14\//);
    expect(keys(store.text(name!))).toEqual(['flag-1', 'flag-5']);
    await de.close({ timeoutMs: 1_000 });
  });

  it('partial success: when one partition fails, only its events are retried, under the same name', async () => {
    let failures = 0;
    const store = new FailingStore((name) =>
      name.startsWith('dt=2023-11-15/') && failures++ === 0
        ? new ExportError('503 from the store', { retryAfterMs: 5 })
        : undefined,
    );
    const exporter = new BlobExporter(store, { path: 'dt={{ .Date}}' });
    const events = [
      featureEvent(0, { creationDate: BEFORE }),
      featureEvent(1, { creationDate: MIDNIGHT }),
      featureEvent(2, { creationDate: BEFORE }),
      featureEvent(3, { creationDate: MIDNIGHT }),
    ];
    const error = await exporter.export(events, context()).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ExportError);
    expect(error).toMatchObject({ retryable: true, retryAfterMs: 5, undelivered: [1, 3] });
    expect((error as Error).message).toMatch(/503 from the store/);

    // Through a DataExporter: the retry writes the missing partition only, under the same name.
    const de = makeDataExporter({ exporter, maxEventsInMemory: 100 });
    const later = events.map((e) => ({ ...e, key: `${e.key}-b` }));
    for (const event of later) de.add(event);
    failures = 0;
    await de.flush();
    expect(de.stats()).toMatchObject({ exported: 4, failed: 0, retries: 1 });
    const second = store.calls.slice(2).map((c) => c.name);
    expect(second).toHaveLength(3);
    expect(second[0]).toMatch(/^dt=2023-11-14\//);
    expect(second[1]).toMatch(/^dt=2023-11-15\//);
    expect(second[2]).toBe(second[1]);
    expect(keys(store.text(second[1]!))).toEqual(['flag-1-b', 'flag-3-b']);
    await de.close({ timeoutMs: 1_000 });
  });

  it('a partition whose answer was lost counts as delivered on the retry, never written twice', async () => {
    const store = new MemoryBlobStore();
    store.beforeCreate = (name, call) =>
      call === 1 && name.startsWith('dt=2023-11-15/') ? 'write-then-throw' : undefined;
    const de = makeDataExporter({
      exporter: new BlobExporter(store, { path: 'dt={{ .Date}}' }),
      maxEventsInMemory: 100,
    });
    de.add(featureEvent(0, { creationDate: BEFORE }));
    de.add(featureEvent(1, { creationDate: MIDNIGHT }));
    await de.flush();
    expect(store.calls.map((c) => c.result)).toEqual(['created', 'created', 'exists']);
    expect(store.objects.size).toBe(2);
    expect(de.stats()).toMatchObject({ exported: 2, failed: 0, retries: 1 });
    await de.close({ timeoutMs: 1_000 });
  });

  it("someone else's object in one partition on attempt 1: that partition fails, the written one counts", async () => {
    const store = new MemoryBlobStore();
    const exporter = new BlobExporter(store, { path: 'dt={{ .Date}}' });
    const de = makeDataExporter({ exporter, maxEventsInMemory: 100 });
    de.add(featureEvent(0, { creationDate: BEFORE }));
    de.add(featureEvent(1, { creationDate: MIDNIGHT }));
    de.add(featureEvent(2, { creationDate: MIDNIGHT }));
    // The DataExporter's first batch id is not known in advance: claim every name it could take.
    const original = store.create.bind(store);
    store.create = async (name, body, options) => {
      if (name.startsWith('dt=2023-11-15/') && !store.objects.has(name)) {
        store.objects.set(name, { name, body: Buffer.from('theirs\n'), contentType: 'text/plain' });
      }
      return original(name, body, options);
    };
    await de.flush();
    expect(de.stats()).toMatchObject({ exported: 1, failed: 2, retries: 0 });
    const theirs = [...store.objects.keys()].find((n) => n.startsWith('dt=2023-11-15/'))!;
    expect(store.text(theirs)).toBe('theirs\n');
    await de.close({ timeoutMs: 1_000 });
  });

  it('an unwritten partition keeps its unserialisable events counted failed, not exported', async () => {
    let failures = 0;
    const store = new FailingStore((name) =>
      name.startsWith('dt=2023-11-15/') && failures++ === 0 ? new Error('socket hang up') : undefined,
    );
    const de = makeDataExporter({
      exporter: new BlobExporter(store, { path: 'dt={{ .Date}}' }),
      maxEventsInMemory: 100,
    });
    de.add(featureEvent(0, { creationDate: BEFORE }));
    de.add(featureEvent(1, { creationDate: BEFORE, value: 1n }));
    de.add(featureEvent(2, { creationDate: MIDNIGHT }));
    de.add(featureEvent(3, { creationDate: 0.5 }));
    await de.flush();
    expect(de.stats()).toMatchObject({ received: 4, exported: 2, failed: 2, pending: 0, retries: 1 });
    await de.close({ timeoutMs: 1_000 });
  });

  it('stops before the next partition when the signal aborts', async () => {
    const controller = new AbortController();
    const store = new MemoryBlobStore();
    store.beforeCreate = () => {
      controller.abort(new Error('export timeout'));
      return undefined;
    };
    const exporter = new BlobExporter(store, { path: 'dt={{ .Date}}' });
    const events = [featureEvent(0, { creationDate: BEFORE }), featureEvent(1, { creationDate: MIDNIGHT })];
    const error = await exporter
      .export(events, context({ signal: controller.signal }))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ undelivered: [1] });
    expect(store.calls).toHaveLength(1);
  });

  it('refuses unknown placeholders, naming them, and date placeholders in filename', () => {
    const store = new MemoryBlobStore();
    expect(() => new BlobExporter(store, { path: 'dt={{ .Minute}}' })).toThrow(/path.*\{\{ \.Minute\}\}/);
    expect(() => new BlobExporter(store, { path: '{{ .Hostname}}' })).toThrow(/path.*Hostname/);
    expect(() => new BlobExporter(store, { filename: '{{ .Date}}.json' })).toThrow(
      /filename.*date placeholders go in path/,
    );
    expect(() => new BlobExporter(store, { path: 'dt={{ .Date}}/../x' })).toThrow(/path/);
  });
});

describe('object keys', () => {
  it('are <path>/<filename>, without a leading or doubled slash', async () => {
    const name = async (path: string, filename = 'f-{{ .BatchId}}.{{ .Format}}') => {
      const store = new MemoryBlobStore();
      await new BlobExporter(store, { path, filename }).export([featureEvent(0)], context());
      return [...store.objects.keys()][0];
    };
    expect(await name('')).toBe('f-abcd1234-1.json');
    expect(await name('/')).toBe('f-abcd1234-1.json');
    expect(await name('a//b/')).toBe('a/b/f-abcd1234-1.json');
    expect(await name('//a/b//')).toBe('a/b/f-abcd1234-1.json');
    expect(await name('a', 'x//f-{{ .BatchId}}.json')).toBe('a/x/f-abcd1234-1.json');
    expect(await name('dt={{ .Date}}/')).toBe('dt=2023-11-14/f-abcd1234-1.json');
  });
});

describe("compression: 'gzip'", () => {
  it('writes JSON as .json.gz: gzip bytes, the format content type, one gzip stream', async () => {
    const store = new MemoryBlobStore();
    const exporter = new BlobExporter(store, { compression: 'gzip', path: 'dt={{ .Date}}' });
    expect(exporter.compression).toBe('gzip');
    await exporter.export([featureEvent(0), featureEvent(1)], context());
    const [object] = store.objects.values();
    expect(object!.name).toMatch(/^dt=2023-11-14\/flag-variation-.*-abcd1234-1\.json\.gz$/);
    expect(object!.contentType).toBe('application/x-ndjson');
    expect([...object!.body.subarray(0, 2)]).toEqual([0x1f, 0x8b]);
    expect(keys(gunzipSync(object!.body).toString())).toEqual(['flag-0', 'flag-1']);
    expect(Object.keys(store.calls[0]!.options).sort()).toEqual(['contentType', 'signal']);
  });

  it('writes CSV as .csv.gz, also with {{ .BatchId}} in the name', async () => {
    const store = new MemoryBlobStore();
    await new BlobExporter(store, {
      format: 'csv',
      csvTemplate: '{{ .Key}}\n',
      compression: 'gzip',
      filename: 'e-{{ .BatchId}}.{{ .Format}}',
    }).export([featureEvent(0), featureEvent(1)], context());
    expect([...store.objects.keys()]).toEqual(['e-abcd1234-1.csv.gz']);
    expect(gunzipSync(store.objects.get('e-abcd1234-1.csv.gz')!.body).toString()).toBe('flag-0\nflag-1\n');
    expect(store.calls[0]!.options.contentType).toBe('text/csv');
  });

  it('counts unserialisable events failed and keeps the rest, compressed', async () => {
    const store = new MemoryBlobStore();
    const de = makeDataExporter({
      exporter: new BlobExporter(store, { compression: 'gzip' }),
      maxEventsInMemory: 100,
    });
    de.add(featureEvent(0, { value: 1n }));
    de.add(featureEvent(1));
    await de.flush();
    expect(de.stats()).toMatchObject({ exported: 1, failed: 1 });
    expect(keys(gunzipSync([...store.objects.values()][0]!.body).toString())).toEqual(['flag-1']);
    await de.close({ timeoutMs: 1_000 });
  });

  it('is refused for Parquet (or any binary format), naming parquet({ compression })', () => {
    const store = new MemoryBlobStore();
    const binary = (name: string, contentType: string): Format => ({
      name,
      contentType,
      encode: async function* () {},
    });
    expect(
      () =>
        new BlobExporter(store, {
          format: binary('parquet', 'application/vnd.apache.parquet'),
          compression: 'gzip',
        }),
    ).toThrow(/parquet\(\{ compression \}\)/);
    expect(
      () =>
        new BlobExporter(store, { format: binary('avro', 'application/octet-stream'), compression: 'gzip' }),
    ).toThrow(/compression/);
  });

  it('refuses unknown values, naming the option', () => {
    const store = new MemoryBlobStore();
    for (const compression of ['zstd', 'GZIP', true, 'none']) {
      expect(() => new BlobExporter(store, { compression: compression as 'gzip' })).toThrow(
        /^compression must be 'gzip'/,
      );
    }
  });
});

describe('streaming to the store', () => {
  // A format that counts the chunks it has produced, so the store can tell whether it got the first
  // bytes before the encoder finished: nothing between them holds the batch whole.
  function countingFormat() {
    const state = { produced: 0, done: false };
    // Incompressible, so gzip's output buffer does not swallow the whole batch (its read-ahead is bounded by output).
    const pad = randomBytes(48 * 1024).toString('base64');
    const format: Format = {
      name: 'json',
      contentType: 'application/x-ndjson',
      encode: async function* () {
        for (let i = 0; i < 200; i++) {
          state.produced++;
          yield Buffer.from(`${JSON.stringify({ i, pad })}\n`);
          await new Promise((resolve) => setImmediate(resolve));
        }
        state.done = true;
      },
    };
    return { state, format };
  }

  it.each([undefined, 'gzip' as const])(
    'the store reads the first bytes long before the last are encoded (compression %s)',
    async (compression) => {
      const { state, format } = countingFormat();
      let producedAtFirstChunk = -1;
      let chunks = 0;
      const store = new MemoryBlobStore();
      const original = store.create.bind(store);
      store.create = (name, body, options) =>
        original(
          name,
          (async function* () {
            for await (const chunk of body) {
              if (chunks++ === 0) producedAtFirstChunk = state.produced;
              yield chunk;
            }
          })(),
          options,
        );
      await new BlobExporter(store, { format, ...(compression ? { compression } : {}) }).export(
        [featureEvent(0)],
        context(),
      );
      expect(state.done).toBe(true);
      expect(producedAtFirstChunk).toBeGreaterThan(0);
      expect(producedAtFirstChunk).toBeLessThan(20);
      expect(chunks).toBeGreaterThan(10);
    },
  );
});
