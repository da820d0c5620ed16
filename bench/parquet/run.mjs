#!/usr/bin/env node
// Measures the JavaScript Parquet writers on the same events, each run in a fresh process, and
// checks every file with DuckDB and pyarrow. Prints medians of the runs (the machine is shared:
// single runs are noisy).
// usage: node run.mjs [--events 1000000] [--runs 3] [--codec SNAPPY] [--writers a,b] [--json out.json]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { pyarrowPython } from '../../test-services/pyarrow/index.mjs';
import { expectations } from './events.mjs';
import { verifyWithDuckDB } from './verify-duckdb.mjs';

const here = dirname(fileURLToPath(import.meta.url));
// The four candidates, then @ff/exporter-parquet itself (hyparquet-writer behind its Format, its own
// row-group size unless --ff-row-group is given).
const WRITERS = [
  'hyparquet-writer',
  'parquet-wasm',
  'dsnp-parquetjs',
  'parquetjs-lite',
  'ff-exporter-parquet',
];
const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '3' },
    codec: { type: 'string', default: 'SNAPPY' },
    'row-group': { type: 'string', default: '100000' },
    'ff-row-group': { type: 'string', default: '0' },
    writers: { type: 'string', default: WRITERS.join(',') },
    json: { type: 'string' },
  },
});
const n = Number(values.events);
const runs = Number(values.runs);
const python = pyarrowPython();
const dir = mkdtempSync(join(tmpdir(), 'ff-bench-parquet-'));
const expectedPath = join(dir, 'expected.json');
writeFileSync(expectedPath, JSON.stringify(expectations(n)));
const expected = JSON.parse(JSON.stringify(expectations(n)));

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const mb = (b) => (b / 2 ** 20).toFixed(1);

console.log(
  `Parquet writers, ${n} events, codec ${values.codec}, row groups of ${values['row-group']} ` +
    `(ff-exporter-parquet: ${Number(values['ff-row-group']) || 'its default'}), ${runs} runs each (medians)`,
);
const results = [];
for (const lib of values.writers.split(',')) {
  const { codecs } = await import(`./writers/${lib}.mjs`);
  if (!codecs.includes(values.codec)) {
    console.log(`${lib.padEnd(18)} no ${values.codec} (it has ${codecs.join(', ')})`);
    continue;
  }
  const samples = [];
  let duckdb = 'not run';
  let pyarrow = 'not run';
  for (let run = 0; run < runs; run++) {
    const file = join(dir, `${lib}.parquet`);
    const child = spawnSync(
      process.execPath,
      [
        '--expose-gc',
        '--max-old-space-size=8192',
        join(here, 'measure.mjs'),
        lib,
        String(n),
        file,
        values.codec,
        lib === 'ff-exporter-parquet' ? values['ff-row-group'] : values['row-group'],
      ],
      { encoding: 'utf8', maxBuffer: 1 << 24 },
    );
    if (child.status !== 0) {
      console.error(`${lib}: failed (${child.signal ?? child.status}): ${child.stderr.slice(-2000)}`);
      break;
    }
    samples.push(JSON.parse(child.stdout.trim().split('\n').at(-1)));
    if (run === 0) {
      duckdb = await verifyWithDuckDB(file, expected).catch((err) => `error: ${err.message}`);
      const py = spawnSync(python, [join(here, 'verify_pyarrow.py'), file, expectedPath], {
        encoding: 'utf8',
      });
      pyarrow =
        py.status === 0 ? py.stdout.trim() : `${py.stdout.trim()} ${py.stderr.trim().split('\n').at(-1)}`;
    }
    rmSync(file, { force: true });
  }
  if (samples.length === 0) continue;
  const row = {
    lib,
    runs: samples.length,
    eventsPerSec: median(samples.map((s) => s.eventsPerSec)),
    ms: median(samples.map((s) => s.ms)),
    bytes: median(samples.map((s) => s.bytes)),
    maxRss: median(samples.map((s) => s.maxRss)),
    rssAboveEvents: median(samples.map((s) => s.rssAboveEvents)),
    duckdb,
    pyarrow,
    samples,
  };
  results.push(row);
  console.log(
    `${lib.padEnd(18)} ${Math.round(row.eventsPerSec).toLocaleString('en').padStart(10)} events/s  ${mb(row.bytes).padStart(6)} MiB  ` +
      `peak RSS ${mb(row.maxRss)} MiB (+${mb(row.rssAboveEvents)} over the events)  DuckDB: ${duckdb}  pyarrow: ${pyarrow}`,
  );
}
const best = results.reduce((a, b) => (b.eventsPerSec > a.eventsPerSec ? b : a), results[0]);
if (best) {
  console.log(`\nratios to the fastest (${best.lib}): time, bytes, peak RSS over the events`);
  for (const r of results) {
    const ratio = (a, b) => `x${(a / b).toFixed(2)}`;
    console.log(
      `  ${r.lib.padEnd(18)} ${ratio(best.eventsPerSec, r.eventsPerSec)}  ${ratio(r.bytes, best.bytes)}  ${ratio(r.rssAboveEvents, best.rssAboveEvents)}`,
    );
  }
}
if (values.json)
  writeFileSync(values.json, JSON.stringify({ events: n, codec: values.codec, results }, null, 2));
rmSync(dir, { recursive: true, force: true });
