// Our files against files GO Feature Flag's own Parquet library writes (test/fixtures, made by
// fixtures/goff-writer with their struct tags): same columns, same types, same nesting, same values.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { collect, type ExportableEvent } from '@ff/exporter-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parquet } from '../src/index.js';
import { readWithDuckDB, readWithPyarrow } from './readers.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const base = {
  kind: 'feature',
  contextKind: 'user',
  userKey: 'u',
  key: 'k',
  variation: 'on',
  default: false,
  version: 'v1',
  source: 'SERVER',
} as const;
// The events fixtures/goff-writer writes, as our events.
const goffFeatureEvents: ExportableEvent[] = [
  { ...base, creationDate: 1_767_225_600, value: true },
  { ...base, creationDate: 1_767_225_601, value: 'blue', metadata: { env: 'prod' } },
  { ...base, creationDate: 1_767_225_602, value: 42 },
  { ...base, creationDate: 1_767_225_603, value: { a: 1 }, metadata: { env: 'prod' } },
];
const goffTrackingEvents: ExportableEvent[] = [
  {
    kind: 'tracking',
    contextKind: 'user',
    userKey: 'u',
    creationDate: 1_767_225_600,
    key: 'checkout',
    evaluationContext: { targetingKey: 'u' },
    trackingEventDetails: { currency: 'EUR' },
  },
];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ff-parquet-goff-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe.each([
  ['feature', goffFeatureEvents, 'goff-feature.parquet'],
  ['tracking', goffTrackingEvents, 'goff-tracking.parquet'],
] as const)('%s events, against GO Feature Flag’s file', (kind, events, goffFile) => {
  let ours: string;
  beforeAll(async () => {
    ours = join(dir, `${kind}.parquet`);
    await writeFile(ours, await collect(parquet().encode(events, () => {})));
  });

  it('have the same Parquet schema (names, physical and logical types, REQUIRED, MAP layout)', async () => {
    const [theirs, mine] = await Promise.all([readWithPyarrow(fixture(goffFile)), readWithPyarrow(ours)]);
    expect(mine.parquetSchema).toBe(theirs.parquetSchema);
    expect(mine.codecs).toEqual(theirs.codecs);
  });

  it('read back the same in DuckDB: types and every value', async () => {
    const [theirs, mine] = await Promise.all([readWithDuckDB(fixture(goffFile)), readWithDuckDB(ours)]);
    expect(mine.types).toEqual(theirs.types);
    expect(mine.rows).toEqual(theirs.rows);
  });

  it('read back the same in pyarrow', async () => {
    const [theirs, mine] = await Promise.all([readWithPyarrow(fixture(goffFile)), readWithPyarrow(ours)]);
    expect(mine.schema).toEqual(theirs.schema);
    expect(mine.rows).toEqual(theirs.rows);
  });
});
