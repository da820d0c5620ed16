import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { BlobExporter, ExportError, type FeatureEvent } from '../src/index.js';
import { context } from './blob-context.js';
import { featureEvent, MemoryBlobStore, makeDataExporter, recordingLogger } from './helpers.js';

describe('BlobExporter (one object per batch, create-only)', () => {
  it('writes a batch as one JSON Lines object under its default name', async () => {
    const store = new MemoryBlobStore();
    const de = makeDataExporter({ exporter: new BlobExporter(store) });
    for (let i = 0; i < 3; i++) de.add(featureEvent(i));
    await de.flush();
    expect(store.objects.size).toBe(1);
    const [object] = [...store.objects.values()];
    expect(object!.name).toMatch(new RegExp(`^flag-variation-${hostname()}-\\d+-[0-9a-f]{8}-\\d+\\.json$`));
    expect(object!.contentType).toBe('application/x-ndjson');
    const lines = object!.body.toString().trimEnd().split('\n');
    expect(lines.map((line) => JSON.parse(line).key)).toEqual(['flag-0', 'flag-1', 'flag-2']);
    expect(de.stats()).toMatchObject({ exported: 3, failed: 0 });
    await de.close({ timeoutMs: 1_000 });
    expect(store.closeCalls).toBe(1);
  });

  it('takes format (any case), csvTemplate, filename and path from its options', async () => {
    const store = new MemoryBlobStore();
    const exporter = new BlobExporter(store, {
      format: 'CSV',
      csvTemplate: '{{ .Key}};{{ .Value}}\n',
      filename: 'evals-{{ .BatchId}}.{{ .Format}}',
      path: '/flags/',
    });
    expect(exporter.format.name).toBe('csv');
    await exporter.export([featureEvent(0)], context());
    expect([...store.objects.keys()]).toEqual(['flags/evals-abcd1234-1.csv']);
    expect(store.text('flags/evals-abcd1234-1.csv')).toBe('flag-0;true\n');
    expect(store.calls[0]!.options.contentType).toBe('text/csv');
  });

  it('refuses bad options at construction', () => {
    const store = new MemoryBlobStore();
    expect(() => new BlobExporter(store, { format: 'xml' })).toThrow(/format/);
    expect(() => new BlobExporter(store, { format: 'csv', csvTemplate: '{{ .Nope}}' })).toThrow(
      /csvTemplate/,
    );
    expect(() => new BlobExporter(store, { filename: '../outside.json' })).toThrow(/filename/);
    expect(() => new BlobExporter(store, { path: '../outside' })).toThrow(/path/);
  });

  it('names the object from the batch id and cut time, so a retry reuses the name', async () => {
    const store = new MemoryBlobStore();
    const exporter = new BlobExporter(store);
    const ctx = { batchId: 'abcd1234-7', batchCreatedAt: 1_617_970_547_999 };
    expect(exporter.objectName(ctx)).toBe(`flag-variation-${hostname()}-1617970547-abcd1234-7.json`);
    expect(exporter.objectName(ctx)).toBe(exporter.objectName({ ...ctx }));
  });

  it('fails at once (non-retryable) when the name already exists on attempt 1: it never overwrites', async () => {
    const store = new MemoryBlobStore();
    const exporter = new BlobExporter(store);
    const ctx = context();
    const name = exporter.objectName(ctx);
    store.objects.set(name, { name, body: Buffer.from('someone else\n'), contentType: 'text/plain' });
    const error = await exporter.export([featureEvent(0)], ctx).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ExportError);
    expect((error as ExportError).retryable).toBe(false);
    expect((error as ExportError).message).toContain(name);
    expect(store.text(name)).toBe('someone else\n');
  });

  it('counts an existing object on a retry as delivered: the earlier attempt wrote it', async () => {
    const store = new MemoryBlobStore();
    store.beforeCreate = (_, call) => (call === 0 ? 'write-then-throw' : undefined);
    const de = makeDataExporter({ exporter: new BlobExporter(store) });
    for (let i = 0; i < 3; i++) de.add(featureEvent(i));
    await de.flush();
    expect(store.calls.map((c) => c.result)).toEqual(['created', 'exists']);
    expect(store.calls[1]!.name).toBe(store.calls[0]!.name);
    expect(store.objects.size).toBe(1);
    expect(de.stats()).toMatchObject({ exported: 3, failed: 0, retries: 1 });
    await de.close({ timeoutMs: 1_000 });
  });

  it('passes the attempt signal to the store', async () => {
    const store = new MemoryBlobStore();
    const controller = new AbortController();
    await new BlobExporter(store).export([featureEvent(0)], context({ signal: controller.signal }));
    expect(store.calls[0]!.options.signal).toBe(controller.signal);
  });

  it('writes nothing for an empty batch', async () => {
    const store = new MemoryBlobStore();
    await expect(new BlobExporter(store).export([], context())).resolves.toEqual({ rejected: [] });
    expect(store.calls).toEqual([]);
  });

  it('writes nothing when every event is unserialisable, and counts them failed', async () => {
    const store = new MemoryBlobStore();
    const de = makeDataExporter({ exporter: new BlobExporter(store) });
    de.add(featureEvent(0, { value: 1n }));
    de.add(featureEvent(1, { value: 2n }));
    await de.flush();
    expect(store.calls).toEqual([]);
    expect(de.stats()).toMatchObject({ received: 2, exported: 0, failed: 2, pending: 0 });
    await de.close({ timeoutMs: 1_000 });
  });

  it('finds unserialisable events at encode time, counts them failed, logs once per batch and writes the rest', async () => {
    const store = new MemoryBlobStore();
    const logger = recordingLogger();
    const de = makeDataExporter({ exporter: new BlobExporter(store), logger, maxEventsInMemory: 100 });
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    const events: FeatureEvent[] = [
      featureEvent(0),
      featureEvent(1, { value: 10n }),
      featureEvent(2, { value: cycle }),
      featureEvent(3),
      featureEvent(4, { value: () => 'no' }),
      featureEvent(5),
    ];
    expect(() => {
      for (const event of events) de.add(event);
    }).not.toThrow();
    await de.flush();
    expect(de.stats()).toMatchObject({ received: 6, exported: 3, failed: 3, pending: 0, retries: 0 });
    const [object] = [...store.objects.values()];
    expect(
      object!.body
        .toString()
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line).key),
    ).toEqual(['flag-0', 'flag-3', 'flag-5']);
    const warnings = [...logger.at('warn'), ...logger.at('error')];
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toMatch(/3 of 6/);
    await de.close({ timeoutMs: 1_000 });
  });

  it('does the same with the csv format: a cycle, a BigInt or a function fails its event only', async () => {
    const store = new MemoryBlobStore();
    const de = makeDataExporter({
      exporter: new BlobExporter(store, { format: 'csv', csvTemplate: '{{ .Key}};{{ .Value}}\n' }),
      maxEventsInMemory: 100,
    });
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    de.add(featureEvent(0, { value: cycle }));
    de.add(featureEvent(1, { value: 7n })); // failed as in JSON and Parquet, so formats count alike
    de.add(featureEvent(2, { value: () => 'no' }));
    de.add(featureEvent(3, { value: 'ok' }));
    await de.flush();
    expect(de.stats()).toMatchObject({ received: 4, exported: 1, failed: 3, pending: 0 });
    const [object] = [...store.objects.values()];
    expect(object!.body.toString()).toBe('flag-3;ok\n');
    await de.close({ timeoutMs: 1_000 });
  });

  it('keeps counting unserialisable events right when a retry finds the object already written', async () => {
    // A batch larger than one encoded chunk (~1 MB), with a bad event at its very end.
    const store = new MemoryBlobStore();
    store.beforeCreate = (_, call) => (call === 0 ? 'write-then-throw' : undefined);
    const de = makeDataExporter({ exporter: new BlobExporter(store), maxEventsInMemory: 20_000 });
    for (let i = 0; i < 9_999; i++) de.add(featureEvent(i, { value: 'x'.repeat(100) }));
    de.add(featureEvent(9_999, { value: 1n }));
    await de.flush();
    expect(store.calls.map((c) => c.result)).toEqual(['created', 'exists']);
    expect(de.stats()).toMatchObject({ received: 10_000, exported: 9_999, failed: 1, pending: 0 });
    await de.close({ timeoutMs: 1_000 });
  });
});
