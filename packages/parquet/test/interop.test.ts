// Every file is read back with DuckDB and with pyarrow, and every value compared with what was sent.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataExporter, type ExportableEvent, silentLogger } from '@ff/exporter-core';
import { FileExporter } from '@ff/exporter-file';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pyarrowPython } from '../../../test-services/pyarrow/index.mjs';
import { BUILT_IN_CODECS, type ParquetOptions, parquet } from '../src/index.js';
import { featureEvents, trackingEvents } from './events.js';
import { expectedRows, readWithDuckDB, readWithPyarrow } from './readers.js';

let dir: string;
beforeAll(async () => {
  pyarrowPython(); // fails here, naming the install command, when the venv is missing
  dir = await mkdtemp(join(tmpdir(), 'ff-parquet-interop-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Exports `events` through a DataExporter and a FileExporter with `parquet(options)`; returns the file's path. */
async function exportToFile(
  events: readonly ExportableEvent[],
  options: ParquetOptions,
  eventType: 'feature' | 'tracking' = 'feature',
): Promise<string> {
  const outputDir = await mkdtemp(join(dir, 'out-'));
  const exporter = new DataExporter({
    exporter: new FileExporter({ outputDir, format: parquet(options) }),
    eventType,
    logger: silentLogger,
  });
  for (const event of events) exporter.add(event);
  await exporter.close();
  expect(exporter.stats()).toMatchObject({ received: events.length, exported: events.length, failed: 0 });
  const files = (await readdir(outputDir)).filter((name) => !name.startsWith('.'));
  expect(files).toHaveLength(1);
  expect(files[0]).toMatch(/^flag-variation-.+\.parquet$/);
  return join(outputDir, files[0] as string);
}

const FEATURE_DUCKDB_TYPES = {
  kind: 'VARCHAR',
  contextKind: 'VARCHAR',
  userKey: 'VARCHAR',
  creationDate: 'BIGINT',
  key: 'VARCHAR',
  variation: 'VARCHAR',
  value: 'VARCHAR',
  default: 'BOOLEAN',
  version: 'VARCHAR',
  source: 'VARCHAR',
  metadata: 'MAP(VARCHAR, VARCHAR)',
};
const MAP_OF_STRINGS = /^map<string, string/;

describe.each(BUILT_IN_CODECS.map((codec) => [codec]))('feature events, %s', (codec) => {
  let file: string;
  beforeAll(async () => {
    file = await exportToFile(featureEvents, { compression: codec.toLowerCase() });
  });

  it('DuckDB reads GO Feature Flag’s columns and every value', async () => {
    const read = await readWithDuckDB(file);
    expect(read.types).toEqual(FEATURE_DUCKDB_TYPES);
    expect(Object.keys(read.types)).toEqual(Object.keys(FEATURE_DUCKDB_TYPES)); // same order too
    expect(read.rows).toEqual(expectedRows(featureEvents));
  });

  it('pyarrow reads the same columns, codec and every value', async () => {
    const read = await readWithPyarrow(file);
    expect(read.schema).toMatchObject({
      kind: 'string',
      contextKind: 'string',
      userKey: 'string',
      creationDate: 'int64',
      key: 'string',
      variation: 'string',
      value: 'string',
      default: 'bool',
      version: 'string',
      source: 'string',
    });
    expect(read.schema.metadata).toMatch(MAP_OF_STRINGS);
    expect(Object.values(read.nullable).every((nullable) => nullable === false)).toBe(true); // REQUIRED, as GOFF
    expect(read.codecs).toEqual([codec]);
    expect(read.numRows).toBe(featureEvents.length);
    expect(read.rows).toEqual(expectedRows(featureEvents));
  });
});

describe('feature event values', () => {
  it('are JSON text that parses back to what was sent, null for a missing value', async () => {
    const file = await exportToFile(featureEvents, {});
    const { rows } = await readWithPyarrow(file);
    const parsed = rows.map((row) => JSON.parse(row.value as string));
    expect(parsed).toEqual(featureEvents.map((event) => (event.value === undefined ? null : event.value)));
  });
});

describe('tracking events', () => {
  let file: string;
  beforeAll(async () => {
    file = await exportToFile(trackingEvents, {}, 'tracking');
  });

  it('DuckDB reads their own columns, maps of strings, every value', async () => {
    const read = await readWithDuckDB(file);
    expect(read.types).toEqual({
      kind: 'VARCHAR',
      contextKind: 'VARCHAR',
      userKey: 'VARCHAR',
      creationDate: 'BIGINT',
      key: 'VARCHAR',
      evaluationContext: 'MAP(VARCHAR, VARCHAR)',
      trackingEventDetails: 'MAP(VARCHAR, VARCHAR)',
    });
    expect(read.rows).toEqual(expectedRows(trackingEvents));
  });

  it('pyarrow reads every value', async () => {
    const read = await readWithPyarrow(file);
    expect(read.schema.evaluationContext).toMatch(MAP_OF_STRINGS);
    expect(read.schema.trackingEventDetails).toMatch(MAP_OF_STRINGS);
    expect(read.codecs).toEqual(['SNAPPY']);
    expect(read.rows).toEqual(expectedRows(trackingEvents));
  });
});

describe('events that cannot be encoded', () => {
  it('are counted failed; the rest of the batch is written and reads back exactly', async () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const good = featureEvents.slice(0, 3);
    const bad = [
      { ...featureEvents[0]!, userKey: 'bigint', value: 10n },
      { ...featureEvents[0]!, userKey: 'cycle', value: cyclic },
      { ...featureEvents[0]!, userKey: 'bigint-metadata', metadata: { n: 1n } },
      { ...featureEvents[0]!, userKey: 'bad-date', creationDate: 1.5 },
    ];
    const outputDir = await mkdtemp(join(dir, 'invalid-'));
    const exporter = new DataExporter({
      exporter: new FileExporter({ outputDir, format: parquet() }),
      logger: silentLogger,
    });
    for (const event of [good[0]!, ...bad, good[1]!, good[2]!]) exporter.add(event);
    await exporter.close();
    expect(exporter.stats()).toMatchObject({ received: 7, exported: 3, failed: 4 });
    const [name] = (await readdir(outputDir)).filter((n) => !n.startsWith('.'));
    const path = join(outputDir, name as string);
    expect((await readWithDuckDB(path)).rows).toEqual(expectedRows(good));
    expect((await readWithPyarrow(path)).rows).toEqual(expectedRows(good));
  });
});
