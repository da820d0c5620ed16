#!/usr/bin/env node
// Every benchmark, one command (`npm run bench` at the root builds the packages first, then runs this):
// each sub-benchmark runs in its own process (and measures in child processes of its own), then one
// final table: per scenario our figure, the anchor's, the ratio and the goal.
//
//   node bench/run.mjs [--quick] [--only add,streaming,jsonl-file,large-batch,blob,s3,gcs,azure,webhook,kafka,openfeature,goff,parquet] [--skip ...]
//
// --quick: fewer runs and events, to check that everything runs (its figures are not the reference).
// bench/goff/run.mjs (GO Feature Flag's own file exporter) and bench/parquet/run.mjs (the JavaScript
// Parquet writers) are run when they exist; a failure of one sub-benchmark is reported, not fatal.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchDir, machine, printRows, stringArg } from './lib/report.mjs';

const quick = process.argv.includes('--quick');
const only = stringArg('only')?.split(',');
const skip = stringArg('skip')?.split(',') ?? [];
const started = new Date();
const resultsDir = join(benchDir, 'results', `run-${started.toISOString().replace(/[:.]/g, '-')}`);
mkdirSync(resultsDir, { recursive: true });

const SUITES = [
  { name: 'add', script: 'add.mjs', args: quick ? ['--runs', '2', '--events', '300000'] : [] },
  { name: 'jsonl-file', script: 'jsonl-file.mjs', args: quick ? ['--runs', '1', '--events', '200000'] : [] },
  {
    name: 'large-batch',
    script: 'large-batch.mjs',
    args: quick ? ['--runs', '1', '--sizes', '100000,300000'] : [],
  },
  { name: 'streaming', script: 'streaming.mjs', args: quick ? ['--runs', '1', '--events', '50000'] : [] },
  { name: 'blob', script: 'blob/run.mjs', args: quick ? ['--runs', '1', '--events', '100000'] : [] },
  {
    name: 's3',
    script: 's3/run.mjs',
    args: quick ? ['--runs', '1', '--events', '200000', '--small', '100000'] : [],
  },
  { name: 'gcs', script: 'gcs/run.mjs', args: quick ? ['--runs', '1', '--events', '200000'] : [] },
  {
    name: 'azure',
    script: 'azure/run.mjs',
    args: quick ? ['--runs', '1', '--events', '200000', '--small', '100000'] : [],
  },
  { name: 'webhook', script: 'webhook/run.mjs', args: quick ? ['--runs', '1'] : [] },
  { name: 'kafka', script: 'kafka/run.mjs', args: quick ? ['100000', '--runs', '1'] : [] },
  {
    name: 'openfeature',
    script: 'openfeature/run.mjs',
    args: quick ? ['--runs', '1', '--evaluations', '20000'] : [],
  },
  { name: 'goff', script: 'goff/run.mjs', args: quick ? ['100000', '--runs', '1'] : [], external: true },
  {
    name: 'parquet',
    script: 'parquet/run.mjs',
    args: quick ? ['--events', '100000', '--runs', '1'] : [],
    external: true,
  },
];

/** Runs a script with its output shown as it comes; resolves with its exit code and its last line. */
function run(script, args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script, ...args], {
      cwd: join(benchDir, '..'),
      env: { ...process.env, FF_BENCH_RESULTS: resultsDir },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let tail = '';
    child.stdout.on('data', (data) => {
      process.stdout.write(data);
      tail = (tail + data.toString()).slice(-1_000_000);
    });
    child.on('close', (code, signal) =>
      resolve({ code: code ?? signal, last: tail.trim().split('\n').pop() }),
    );
  });
}

/** GO Feature Flag's bench prints its report as JSON on its last line: one row per format. */
function goffRows(last) {
  let report;
  try {
    report = JSON.parse(last);
  } catch {
    return [];
  }
  return (report.rows ?? [])
    .filter((r) => r.ours?.eventsPerSecond && r.theirs?.eventsPerSecond)
    .map((r) => ({
      scenario: `FileExporter vs GO Feature Flag's file exporter, ${r.format}, ${report.events?.toLocaleString('en-US')} events`,
      unit: 'events/s',
      ours: { label: `FileExporter, ${r.format}`, value: r.ours.eventsPerSecond },
      anchor: { label: `GO Feature Flag fileexporter, ${r.format}`, value: r.theirs.eventsPerSecond },
      ratio: r.ratio,
    }));
}

const m = machine();
console.log(`ff-exporters benchmarks, ${m.date}`);
console.log(`${m.nproc} × ${m.cpu}, Node ${m.node}, load average at start ${m.load}`);
const rows = [];
const failed = [];
for (const suite of SUITES) {
  if ((only && !only.includes(suite.name)) || skip.includes(suite.name)) continue;
  const script = join(benchDir, suite.script);
  if (!existsSync(script)) {
    console.log(`\n== ${suite.name}: skipped (${suite.script} not there)`);
    continue;
  }
  console.log(`\n== ${suite.name}`);
  const { code, last } = await run(script, suite.args);
  if (code !== 0) {
    failed.push(`${suite.name} (exit ${code})`);
    continue;
  }
  if (suite.name === 'goff') rows.push(...goffRows(last));
  else if (!suite.external) {
    const file = join(resultsDir, `${suite.name}.json`);
    if (existsSync(file)) rows.push(...JSON.parse(readFileSync(file, 'utf8')).rows);
  }
}

const end = machine();
console.log(
  `\n== Summary (${quick ? 'QUICK run: not reference figures; ' : ''}load average at the end ${end.load})`,
);
console.log(`${m.nproc} × ${m.cpu}, Node ${m.node}, ${m.date}`);
printRows(rows);
for (const r of rows.filter((r) => r.note)) console.log(`  ${r.scenario}: ${r.note}`);
const goals = rows.filter((r) => r.met !== undefined && r.met !== null);
console.log(`\ngoals met: ${goals.filter((r) => r.met).length} of ${goals.length}; results in ${resultsDir}`);
if (failed.length) {
  console.log(`failed: ${failed.join(', ')}`);
  process.exitCode = 1;
}
