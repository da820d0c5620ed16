import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import type { ExportableEvent } from '@ff/exporter-core';
import type { StoredObject } from '@ff/exporter-testkit';
import { runPython } from '../../../test-services/pyarrow/index.mjs';

/** A row as both readers give it back, normalised: maps as [key, value] pairs in key order. */
export type Row = Record<string, string | number | boolean | [string, string][]>;

const MAPS = new Set(['metadata', 'evaluationContext', 'trackingEventDetails']);
const sortPairs = (pairs: [string, string][]) => pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

function normalise(row: Record<string, unknown>, toPairs: (map: unknown) => [string, string][]): Row {
  const out: Row = {};
  for (const [name, value] of Object.entries(row)) {
    if (MAPS.has(name)) out[name] = sortPairs(toPairs(value));
    else if (typeof value === 'bigint') out[name] = Number(value);
    else out[name] = value as string | number | boolean;
  }
  return out;
}

/** What a reader must give back for each event: GO Feature Flag's columns, value as JSON text, maps of strings. */
export function expectedRows(events: readonly ExportableEvent[]): Row[] {
  const pairs = (map: Record<string, unknown> | undefined): [string, string][] =>
    sortPairs(
      Object.entries(map ?? {})
        .filter(([, v]) => v !== undefined && typeof v !== 'function')
        .map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
    );
  return events.map(
    (event): Row =>
      event.kind === 'tracking'
        ? {
            kind: event.kind,
            contextKind: event.contextKind,
            userKey: event.userKey,
            creationDate: event.creationDate,
            key: event.key,
            evaluationContext: pairs(event.evaluationContext),
            trackingEventDetails: pairs(event.trackingEventDetails),
          }
        : {
            kind: event.kind,
            contextKind: event.contextKind,
            userKey: event.userKey,
            creationDate: event.creationDate,
            key: event.key,
            variation: event.variation,
            value: JSON.stringify(event.value === undefined ? null : event.value),
            default: event.default,
            version: event.version ?? '',
            source: event.source,
            metadata: pairs(event.metadata),
          },
  );
}

export interface DuckDBRead {
  types: Record<string, string>;
  rows: Row[];
  count: number;
}

const sql = (path: string) => `read_parquet('${path.replaceAll("'", "''")}')`;

/** Reads a file (or a glob) with DuckDB: column types and every row, in file order. */
export async function readWithDuckDB(path: string, options: { rows?: boolean } = {}): Promise<DuckDBRead> {
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  try {
    const described = (await db.runAndReadAll(`DESCRIBE SELECT * FROM ${sql(path)}`)).getRowObjectsJS();
    const types = Object.fromEntries(described.map((r) => [String(r.column_name), String(r.column_type)]));
    const [{ count }] = (
      await db.runAndReadAll(`SELECT count(*)::BIGINT AS count FROM ${sql(path)}`)
    ).getRowObjectsJS() as [{ count: bigint }];
    if (options.rows === false) return { types, rows: [], count: Number(count) };
    const columns = Object.keys(types)
      .map((name) => (MAPS.has(name) ? `map_entries("${name}") AS "${name}"` : `"${name}"`))
      .join(', ');
    const rows = (await db.runAndReadAll(`SELECT ${columns} FROM ${sql(path)}`)).getRowObjectsJS();
    return {
      types,
      count: Number(count),
      rows: rows.map((row) =>
        normalise(row, (entries) =>
          (entries as { key: string; value: string }[]).map((e) => [e.key, e.value]),
        ),
      ),
    };
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}

let objectSerial = 0;

/** Decodes a stored object (read back from any sink) with DuckDB, through a temporary file: for the conformance suite's `decode`. */
export async function decodeWithDuckDB(object: StoredObject): Promise<Row[]> {
  const path = join(tmpdir(), `ff-parquet-read-${process.pid}-${++objectSerial}.parquet`);
  await writeFile(path, object.bytes);
  try {
    return (await readWithDuckDB(path)).rows;
  } finally {
    await rm(path, { force: true });
  }
}

export interface PyarrowRead {
  schema: Record<string, string>;
  nullable: Record<string, boolean>;
  numRows: number;
  numRowGroups: number;
  codecs: string[];
  createdBy: string;
  /** The Parquet schema as pyarrow prints it, without the root name and field ids. */
  parquetSchema: string;
  rows: Row[];
  sumCreationDate?: number;
  distinctUserKeys?: number;
}

const script = fileURLToPath(new URL('./read_parquet.py', import.meta.url));

/** Reads a file with pyarrow (in the venv test-services/pyarrow installs): schema, codecs, every row. */
export async function readWithPyarrow(
  path: string,
  options: { summary?: boolean } = {},
): Promise<PyarrowRead> {
  const out = JSON.parse(
    await runPython(script, options.summary ? [path, '--summary'] : [path]),
  ) as PyarrowRead & {
    rows?: Record<string, unknown>[];
  };
  return {
    ...out,
    rows: (out.rows ?? []).map((row) => normalise(row, (pairs) => pairs as [string, string][])),
  };
}
