import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { parseCsv, parseJsonLines } from '@ff/exporter-testkit';

/** flag key -> variation -> count */
export type Tally = Map<string, Map<string, number>>;

export function count(tally: Tally, flag: string, variation: string): void {
  const variations = tally.get(flag) ?? new Map<string, number>();
  variations.set(variation, (variations.get(variation) ?? 0) + 1);
  tally.set(flag, variations);
}

export interface ReadBack {
  files: number;
  bytes: number;
  events: number;
  tally: Tally;
}

/** The summary query, run by DuckDB over every Parquet file: events per flag and variation. */
async function queryParquet(dir: string, result: ReadBack): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  try {
    const files = join(dir, '*.parquet').replaceAll("'", "''");
    const rows = (
      await db.runAndReadAll(
        `SELECT key, variation, count(*)::INTEGER AS n FROM read_parquet('${files}') GROUP BY key, variation`,
      )
    ).getRowObjectsJS() as { key: string; variation: string; n: number }[];
    for (const { key, variation, n } of rows) {
      const variations = result.tally.get(key) ?? new Map<string, number>();
      variations.set(variation, n);
      result.tally.set(key, variations);
      result.events += n;
    }
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}

export type Format = 'json' | 'csv' | 'parquet';

async function filesOf(dir: string, format: Format): Promise<string[]> {
  const names = await readdir(dir).catch(() => []);
  return names.filter((name) => name.endsWith(`.${format}`)).sort();
}

/** Reads every file of one format back and counts events per flag and variation. */
export async function readBack(dir: string, format: Format): Promise<ReadBack> {
  const names = await filesOf(dir, format);
  const result: ReadBack = { files: names.length, bytes: 0, events: 0, tally: new Map() };
  for (const name of names) result.bytes += (await stat(join(dir, name))).size;
  if (format === 'parquet') {
    if (names.length > 0) await queryParquet(dir, result);
    return result;
  }
  for (const name of names) {
    const text = await readFile(join(dir, name), 'utf8');
    if (format === 'json') {
      for (const event of parseJsonLines(text) as { key: string; variation: string }[]) {
        count(result.tally, event.key, event.variation);
        result.events++;
      }
    } else {
      // GO Feature Flag's default template: kind;contextKind;userKey;creationDate;key;variation;value;default;source
      for (const row of parseCsv(text)) {
        count(result.tally, row[4] ?? '', row[5] ?? '');
        result.events++;
      }
    }
  }
  return result;
}

export function sameTally(a: Tally, b: Tally): boolean {
  if (a.size !== b.size) return false;
  for (const [flag, variations] of a) {
    const other = b.get(flag);
    if (!other || other.size !== variations.size) return false;
    for (const [variation, n] of variations) if (other.get(variation) !== n) return false;
  }
  return true;
}

export interface TrackingReadBack {
  files: number;
  bytes: number;
  total: number;
  /** tracking event name -> count */
  events: Map<string, number>;
}

/** Reads tracking events back (JSON Lines): how many, of which event names. */
export async function readTracking(dir: string): Promise<TrackingReadBack> {
  const names = await filesOf(dir, 'json');
  const result: TrackingReadBack = { files: names.length, bytes: 0, total: 0, events: new Map() };
  for (const name of names) {
    const text = await readFile(join(dir, name), 'utf8');
    result.bytes += Buffer.byteLength(text);
    for (const event of parseJsonLines(text) as { key: string }[]) {
      result.events.set(event.key, (result.events.get(event.key) ?? 0) + 1);
      result.total++;
    }
  }
  return result;
}

/** The first record of the first JSON Lines file, parsed: what a newcomer looks at first. */
export async function firstRecord(dir: string): Promise<unknown> {
  const [name] = await filesOf(dir, 'json');
  if (name === undefined) return undefined;
  const [first] = parseJsonLines(await readFile(join(dir, name), 'utf8'));
  return first;
}
