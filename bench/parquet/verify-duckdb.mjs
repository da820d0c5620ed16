// Reads a Parquet file with DuckDB (@duckdb/node-api) and checks it against the expectations:
// column types, row count, sums over every row, and the sampled rows in full.
import { DuckDBInstance } from '@duckdb/node-api';

const WANT = {
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

export async function verifyWithDuckDB(path, expected) {
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  try {
    const problems = [];
    const src = `read_parquet('${path.replaceAll("'", "''")}', file_row_number = true)`;
    const described = (await db.runAndReadAll(`DESCRIBE SELECT * FROM ${src}`)).getRowObjectsJS();
    const types = Object.fromEntries(described.map((r) => [r.column_name, r.column_type]));
    for (const [name, type] of Object.entries(WANT)) {
      if (types[name] !== type) problems.push(`column ${name}: ${types[name]}, expected ${type}`);
    }
    const [sums] = (
      await db.runAndReadAll(
        `SELECT count(*)::BIGINT AS count, sum(creationDate)::BIGINT AS "sumCreationDate",
                count(*) FILTER (WHERE "default")::BIGINT AS defaults, sum(length(value))::BIGINT AS "valueChars",
                sum(cardinality(metadata))::BIGINT AS "metadataEntries" FROM ${src}`,
      )
    ).getRowObjectsJS();
    for (const key of ['count', 'sumCreationDate', 'defaults', 'valueChars', 'metadataEntries']) {
      if (Number(sums[key]) !== expected[key])
        problems.push(`${key}: ${sums[key]}, expected ${expected[key]}`);
    }
    const indexes = expected.samples.map((s) => s.index).join(',');
    const rows = (
      await db.runAndReadAll(
        `SELECT file_row_number, kind, contextKind, userKey, creationDate, key, variation, value, "default",
                version, source, map_entries(metadata) AS metadata
         FROM ${src} WHERE file_row_number IN (${indexes}) ORDER BY file_row_number`,
      )
    ).getRowObjectsJS();
    const byIndex = new Map(rows.map((r) => [Number(r.file_row_number), r]));
    for (const { index, row: want } of expected.samples) {
      const r = byIndex.get(index);
      if (!r) {
        problems.push(`row ${index} missing`);
        break;
      }
      const got = {
        ...Object.fromEntries(Object.keys(want).map((k) => [k, r[k]])),
        creationDate: Number(r.creationDate),
        metadata: r.metadata.map((e) => [e.key, e.value]).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
      };
      if (JSON.stringify(got) !== JSON.stringify(want)) {
        problems.push(`row ${index}: ${JSON.stringify(got)} != ${JSON.stringify(want)}`);
        break;
      }
    }
    return problems.length === 0 ? 'ok' : problems.slice(0, 3).join('; ');
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}
