// A large batch is written in row groups and streamed: several row groups, read back whole by both readers.
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ROW_GROUP_SIZE, parquet } from '../src/index.js';
import { manyFeatureEvents } from './events.js';
import { readWithDuckDB, readWithPyarrow } from './readers.js';

const N = 300_000;

describe(`a batch of ${N} events`, () => {
  let dir: string;
  let file: string;
  let chunks = 0;
  const events = manyFeatureEvents(N);
  const expectedSum = events.reduce((sum, e) => sum + e.creationDate, 0);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ff-parquet-large-'));
    file = join(dir, 'large.parquet');
    const invalid: number[] = [];
    const body = parquet().encode(events, (index) => invalid.push(index));
    await pipeline(
      (async function* () {
        for await (const chunk of body) {
          chunks++;
          yield chunk;
        }
      })(),
      createWriteStream(file),
    );
    expect(invalid).toEqual([]);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is streamed as one chunk per row group plus the footer', () => {
    expect(chunks).toBe(Math.ceil(N / DEFAULT_ROW_GROUP_SIZE) + 1);
  });

  it('reads back whole with pyarrow, in several row groups', async () => {
    const read = await readWithPyarrow(file, { summary: true });
    expect(read.numRows).toBe(N);
    expect(read.numRowGroups).toBe(Math.ceil(N / DEFAULT_ROW_GROUP_SIZE));
    expect(read.sumCreationDate).toBe(expectedSum);
    expect(read.distinctUserKeys).toBe(N);
  });

  it('reads back whole with DuckDB, every row equal to what was sent', async () => {
    const read = await readWithDuckDB(file);
    expect(read.count).toBe(N);
    // Spot-check across row-group boundaries rather than diffing 300k objects in one assertion.
    for (const i of [
      0,
      1,
      DEFAULT_ROW_GROUP_SIZE - 1,
      DEFAULT_ROW_GROUP_SIZE,
      2 * DEFAULT_ROW_GROUP_SIZE + 7,
      N - 1,
    ]) {
      const event = events[i]!;
      expect(read.rows[i]).toMatchObject({
        userKey: event.userKey,
        creationDate: event.creationDate,
        key: event.key,
        value: JSON.stringify(event.value),
        default: event.default,
      });
    }
    const mismatched = read.rows.findIndex((row, i) => row.userKey !== events[i]!.userKey);
    expect(mismatched).toBe(-1);
  });
});
