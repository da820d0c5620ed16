#!/usr/bin/env node
// GO Feature Flag's own file exporter (Go, from the Go module proxy) against our FileExporter, on the
// same N events, in the same run: JSON Lines, CSV and Parquet, one export call with all events per
// run, medians of several runs, events/s and ratios.
//
//   node bench/goff/run.mjs [N] [--runs R] [--warmup W] [--formats json,csv,parquet] [--core]
//
// N defaults to 1,000,000, R to 3 and W to 1. Both sides run as long-lived child processes that hold
// the events and answer "one timed run of format F"; their runs alternate (theirs, ours, ours, theirs,
// ...) so that load from other work on the machine falls on both alike, after W untimed runs of each
// format on each side. --core adds rows that time our Formats' encode() written to one file handle
// without FileExporter (to tell encoding from the file store's cost). Results go to stdout as a
// table, and as JSON on the last line and in bench/results/goff-<timestamp>.json.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { open } from 'node:fs/promises';
import { cpus, homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { makeEvent } from '../lib/goff-events.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const packages = join(root, 'packages');
const FORMATS = ['json', 'csv', 'parquet'];

// ---------------------------------------------------------------------------------------------------
// The events: event i, exactly as makeEvent in main.go (the Go side), from bench/lib.

export { makeEvent };

function makeEvents(n) {
  const events = new Array(n);
  for (let i = 0; i < n; i++) events[i] = makeEvent(i);
  return events;
}

// ---------------------------------------------------------------------------------------------------
// Small helpers.

function parseArgs(argv) {
  const options = { n: 1_000_000, runs: 3, warmup: 1, formats: FORMATS, core: false, child: undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--runs') options.runs = Number(argv[++i]);
    else if (arg === '--warmup') options.warmup = Number(argv[++i]);
    else if (arg === '--formats') options.formats = argv[++i].split(',').map((f) => f.trim().toLowerCase());
    else if (arg === '--core') options.core = true;
    else if (arg === '--child') options.child = argv[++i];
    else if (/^\d[\d_]*$/.test(arg)) options.n = Number(arg.replaceAll('_', ''));
    else
      throw new Error(
        `unknown argument '${arg}' (usage: node bench/goff/run.mjs [N] [--runs R] [--warmup W] [--formats json,csv,parquet] [--core])`,
      );
  }
  if (!Number.isInteger(options.n) || options.n < 1) throw new Error('N must be a positive integer');
  if (!Number.isInteger(options.runs) || options.runs < 1)
    throw new Error('--runs must be a positive integer');
  if (!Number.isInteger(options.warmup) || options.warmup < 0) throw new Error('--warmup must be 0 or more');
  for (const f of options.formats) if (!FORMATS.includes(f)) throw new Error(`unknown format '${f}'`);
  return options;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function folderBytes(dir) {
  let total = 0;
  for (const name of readdirSync(dir)) total += statSync(join(dir, name)).size;
  return total;
}

/** The one file an export left in dir (FileStore's temp files are hidden and removed). */
function onlyFile(dir) {
  const names = readdirSync(dir).filter((name) => !name.startsWith('.'));
  if (names.length !== 1) throw new Error(`expected one file in ${dir}, found ${names.length}`);
  return join(dir, names[0]);
}

function sha256(path) {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

// ---------------------------------------------------------------------------------------------------
// Our side, loaded from the packages' dist builds. Each loader returns the module or a reason to skip.

async function load(pkg) {
  const entry = join(packages, pkg, 'dist', 'index.mjs');
  if (!existsSync(entry)) return { skip: `packages/${pkg} is not built (no dist/index.mjs; run the build)` };
  try {
    return { module: await import(pathToFileURL(entry).href) };
  } catch (err) {
    return { skip: `packages/${pkg} failed to load: ${err.message}` };
  }
}

/** A Format option for FileExporter, or a reason to skip the row. */
async function ourFormat(format) {
  if (format !== 'parquet') return { format };
  const parquetPkg = await load('parquet');
  if (parquetPkg.skip) return parquetPkg;
  if (typeof parquetPkg.module.parquet !== 'function')
    return { skip: 'packages/parquet exports no parquet()' };
  return { format: parquetPkg.module.parquet() };
}

function exportContext() {
  const now = Date.now();
  return {
    signal: new AbortController().signal,
    batchId: 'bench-1',
    attempt: 1,
    deadline: now + 600_000,
    batchCreatedAt: now,
  };
}

/** One timed FileExporter.export() of all events into a fresh folder; returns seconds. */
async function timeFileExporter(fileModule, logger, formatOption, events, dir) {
  const exporter = new fileModule.FileExporter({ outputDir: dir, format: formatOption });
  const context = { ...exportContext(), logger };
  const started = performance.now();
  const result = await exporter.export(events, context);
  const seconds = (performance.now() - started) / 1000;
  await exporter.close?.();
  if (result?.rejected?.length) throw new Error(`${result.rejected.length} events rejected`);
  return seconds;
}

/** One timed run of a core Format's encode() into one file handle (no FileExporter); returns seconds. */
async function timeCoreEncode(format, events, dir) {
  const started = performance.now();
  const file = await open(join(dir, `core.${format.name}`), 'wx');
  try {
    for await (const chunk of format.encode(events, (index) => {
      throw new Error(`event ${index} is invalid`);
    }))
      await file.write(chunk);
  } finally {
    await file.close();
  }
  return (performance.now() - started) / 1000;
}

/**
 * Child process: holds the events and answers each format name read from stdin with one timed run
 * of our side, as a JSON line (`{ skipped }` when that row cannot run). `mode` is 'file' (FileExporter)
 * or 'core' (a Format's encode() into one file handle).
 */
async function oursChild(options, mode) {
  const core = await load('core');
  const file = mode === 'file' ? await load('file') : undefined;
  const events = makeEvents(options.n);
  const work = mkdtempSync(join(tmpdir(), 'ours-bench-'));
  const formats = new Map();
  async function formatFor(name) {
    if (!formats.has(name)) {
      let option = core.skip || file?.skip ? { skip: core.skip ?? file?.skip } : await ourFormat(name);
      if (!option.skip && mode === 'core' && name !== 'parquet') {
        option = { format: name === 'json' ? core.module.jsonLines() : core.module.csv() };
      }
      if (!option.skip && mode === 'core' && typeof option.format?.encode !== 'function')
        option = { skip: `${name} is no Format` };
      formats.set(name, option);
    }
    return formats.get(name);
  }
  const side = mode === 'file' ? 'ours' : 'ours-core';
  console.log(JSON.stringify({ ready: true, side }));
  let run = 0;
  try {
    for await (const line of createInterface({ input: process.stdin })) {
      const name = line.trim();
      if (!name) continue;
      const row = { side, format: name, events: options.n, runs: 1 };
      const option = await formatFor(name);
      if (option.skip) {
        console.log(JSON.stringify({ ...row, skipped: option.skip }));
        continue;
      }
      const dir = join(work, `${name}-${run++}`);
      mkdirSync(dir);
      const seconds =
        mode === 'file'
          ? await timeFileExporter(file.module, core.module.silentLogger, option.format, events, dir)
          : await timeCoreEncode(option.format, events, dir);
      const bytes = folderBytes(dir);
      rmSync(dir, { recursive: true, force: true });
      console.log(
        JSON.stringify({
          ...row,
          seconds: [seconds],
          medianSeconds: seconds,
          eventsPerSecond: options.n / seconds,
          bytes,
        }),
      );
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------
// The Go side: built once per module version into the cache folder.

function goModuleVersion() {
  const match = readFileSync(join(here, 'go.mod'), 'utf8').match(
    /github\.com\/thomaspoignant\/go-feature-flag (v\S+)/,
  );
  if (!match) throw new Error('bench/goff/go.mod names no github.com/thomaspoignant/go-feature-flag version');
  return match[1];
}

function goVersion() {
  const result = spawnSync('go', ['version'], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/** The path of the built Go program, or { skip }. Rebuilt when its sources change. */
function buildGo(version) {
  if (!goVersion()) return { skip: 'no `go` on PATH (GO Feature Flag side needs Go 1.26)' };
  const cache = process.env.FF_EXPORTERS_CACHE ?? join(homedir(), '.cache', 'ff-exporters');
  const folder = join(cache, `goff-bench-${version}`);
  const binary = join(folder, 'goff-bench');
  const stampFile = join(folder, 'sources.sha256');
  const hash = createHash('sha256');
  for (const name of ['go.mod', 'go.sum', 'main.go']) hash.update(readFileSync(join(here, name)));
  const stamp = `${hash.digest('hex')} ${goVersion()}`;
  if (existsSync(binary) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp)
    return { binary };
  mkdirSync(folder, { recursive: true });
  process.stderr.write(`building the GO Feature Flag bench (${version}) into ${folder} ...\n`);
  const result = spawnSync('go', ['build', '-trimpath', '-o', binary, '.'], {
    cwd: here,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (result.status !== 0) return { skip: `go build failed (exit ${result.status ?? result.signal})` };
  writeFileSync(stampFile, stamp);
  return { binary };
}

function runGo(binary, args) {
  const result = spawnSync(binary, args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 << 20,
  });
  if (result.status !== 0)
    throw new Error(`goff-bench ${args.join(' ')} failed (exit ${result.status ?? result.signal})`);
  return result.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

/** A child process that answers one JSON line per line written to it (the `-serve` / `--child` modes). */
class Server {
  constructor(label, command, args) {
    this.label = label;
    this.child = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'] });
    this.lines = createInterface({ input: this.child.stdout })[Symbol.asyncIterator]();
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code, signal) => resolve(code ?? signal)),
    );
    this.child.stdin.on('error', () => {});
  }

  async next() {
    const line = await this.lines.next();
    if (line.done) throw new Error(`${this.label} exited (${await this.exited}) before answering`);
    return JSON.parse(line.value);
  }

  /** One timed run of `format`. */
  async ask(format) {
    this.child.stdin.write(`${format}\n`);
    return this.next();
  }

  async close() {
    this.child.stdin.end();
    await this.exited;
  }
}

function oursServer(options, mode) {
  const args = [fileURLToPath(import.meta.url), String(options.n), '--child', mode];
  return new Server(`our side (${mode})`, process.execPath, args);
}

/**
 * Warm-up then timed runs, per format, alternating the sides' order from run to run; returns, per
 * side, one row per format with the runs' seconds and their median.
 */
async function measure(servers, options) {
  const rows = new Map(servers.map((s) => [s, []]));
  for (const format of options.formats) {
    const runs = new Map(servers.map((s) => [s, []]));
    for (let r = 0; r < options.warmup + options.runs; r++) {
      const order = r % 2 === 0 ? servers : [...servers].reverse();
      for (const server of order) {
        if (!Array.isArray(runs.get(server))) continue; // skipped
        const answer = await server.ask(format);
        if (answer.skipped) {
          runs.set(server, answer);
          continue;
        }
        if (r >= options.warmup) runs.get(server).push(answer);
      }
      if (servers.every((s) => !Array.isArray(runs.get(s)))) break;
    }
    for (const server of servers) {
      const got = runs.get(server);
      if (!Array.isArray(got)) {
        rows.get(server).push({ ...got, format });
        continue;
      }
      const seconds = got.map((a) => a.medianSeconds);
      const medianSeconds = median(seconds);
      const { side, events, module, go, gomaxprocs } = got[0];
      rows.get(server).push({
        side,
        format,
        events,
        runs: seconds.length,
        seconds,
        medianSeconds,
        eventsPerSecond: events / medianSeconds,
        bytes: got.at(-1).bytes,
        ...(module ? { module, go, gomaxprocs } : {}),
      });
    }
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------------
// A check that both sides write the same thing (1,000 events): JSON Lines byte-identical; CSV identical
// except the object values (Go prints map[k:v], ours JSON, as DESIGN §5 says).

async function checkSameOutput(binary, formats) {
  const n = 1000;
  const work = mkdtempSync(join(tmpdir(), 'goff-check-'));
  const notes = [];
  try {
    runGo(binary, [
      '-n',
      String(n),
      '-runs',
      '1',
      '-formats',
      formats.join(','),
      '-out',
      join(work, 'goff'),
      '-keep',
    ]);
    const core = await load('core');
    const file = await load('file');
    if (core.skip || file.skip) return [`output check skipped: ${core.skip ?? file.skip}`];
    const events = makeEvents(n);
    for (const name of formats) {
      const option = await ourFormat(name);
      if (option.skip) {
        notes.push(`${name}: output check skipped: ${option.skip}`);
        continue;
      }
      const dir = join(work, 'ours', name);
      mkdirSync(dir, { recursive: true });
      await timeFileExporter(file.module, core.module.silentLogger, option.format, events, dir);
      const theirs = onlyFile(join(work, 'goff', name));
      const ours = onlyFile(dir);
      if (name === 'json') {
        notes.push(
          `json: ${sha256(theirs) === sha256(ours) ? 'byte-identical to theirs' : 'DIFFERS from theirs'} (${n} events)`,
        );
      } else if (name === 'csv') {
        const a = readFileSync(theirs, 'utf8').split('\n');
        const b = readFileSync(ours, 'utf8').split('\n');
        let differ = 0;
        let unexpected = 0;
        for (let i = 0; i < Math.max(a.length, b.length); i++) {
          if (a[i] === b[i]) continue;
          differ++;
          if (!(a[i] ?? '').includes(';map[')) unexpected++;
        }
        notes.push(
          `csv: ${differ} of ${n} lines differ, ${unexpected === 0 ? 'all of them object values (theirs map[...], ours JSON)' : `${unexpected} of them NOT object values`}`,
        );
      } else {
        notes.push(
          `parquet: not compared byte for byte (${statSync(theirs).size} vs ${statSync(ours).size} bytes for ${n} events)`,
        );
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return notes;
}

// ---------------------------------------------------------------------------------------------------

function fmtRate(row) {
  if (!row) return 'n/a';
  if (row.skipped) return 'skipped';
  return `${Math.round(row.eventsPerSecond).toLocaleString('en-US')}/s`;
}

function fmtSpread(row) {
  if (!row || row.skipped) return '';
  return row.seconds.map((s) => s.toFixed(2)).join(' ');
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (options.child) return oursChild(options, options.child);

  const version = goModuleVersion();
  const machine = {
    date: new Date().toISOString(),
    nproc: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    go: goVersion() ?? 'none',
    module: `github.com/thomaspoignant/go-feature-flag@${version}`,
  };
  console.log(
    `GO Feature Flag file exporter vs ours: ${options.n.toLocaleString('en-US')} events, median of ${options.runs} runs per format and side after ${options.warmup} warm-up, sides alternating`,
  );
  console.log(`${machine.nproc} x ${machine.cpu}, Node ${machine.node}, ${machine.go}, ${machine.module}`);

  const go = buildGo(version);
  let notes = [];
  if (!go.skip) notes = await checkSameOutput(go.binary, options.formats);
  for (const note of notes) console.log(`check: ${note}`);

  const servers = [];
  let theirsServer;
  if (!go.skip) {
    theirsServer = new Server('goff-bench', go.binary, ['-n', String(options.n), '-serve']);
    servers.push(theirsServer);
  }
  const oursFile = oursServer(options, 'file');
  servers.push(oursFile);
  const oursCore = options.core ? oursServer(options, 'core') : undefined;
  if (oursCore) servers.push(oursCore);
  for (const server of servers) await server.next(); // ready: events built on every side
  const measured = await measure(servers, options);
  for (const server of servers) await server.close();
  const theirs = theirsServer
    ? measured.get(theirsServer)
    : options.formats.map((format) => ({ side: 'goff', format, skipped: go.skip }));
  const ours = measured.get(oursFile);
  const core = oursCore ? measured.get(oursCore) : [];

  const rows = options.formats.map((format) => {
    const t = theirs.find((r) => r.format === format);
    const o = ours.find((r) => r.format === format);
    const c = core.find((r) => r.format === format);
    const ratio = t && o && !t.skipped && !o.skipped ? o.eventsPerSecond / t.eventsPerSecond : undefined;
    return { format, theirs: t, ours: o, oursCore: c, ratio };
  });

  console.log('');
  const header = [
    'format',
    'theirs (Go)',
    'ours',
    'ours/theirs',
    'bytes theirs',
    'bytes ours',
    'runs theirs (s)',
    'runs ours (s)',
  ];
  const lines = rows.map((r) => [
    r.format,
    fmtRate(r.theirs),
    fmtRate(r.ours),
    r.ratio === undefined ? '-' : `${r.ratio.toFixed(2)}x`,
    r.theirs?.bytes?.toLocaleString('en-US') ?? '-',
    r.ours?.bytes?.toLocaleString('en-US') ?? '-',
    fmtSpread(r.theirs),
    fmtSpread(r.ours),
  ]);
  if (options.core) {
    for (const r of rows) {
      lines.push([
        `${r.format} (core encode only)`,
        '',
        fmtRate(r.oursCore),
        '',
        '',
        r.oursCore?.bytes?.toLocaleString('en-US') ?? '-',
        '',
        fmtSpread(r.oursCore),
      ]);
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const print = (cells) =>
    console.log(cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '));
  print(header);
  print(widths.map((w) => '-'.repeat(w)));
  for (const l of lines) print(l);
  for (const r of rows) {
    for (const side of [r.theirs, r.ours, r.oursCore])
      if (side?.skipped) console.log(`${r.format} ${side.side}: skipped: ${side.skipped}`);
  }
  const verdict = rows.filter((r) => r.ratio !== undefined);
  if (verdict.length) {
    const slower = verdict.filter((r) => r.ratio < 1).map((r) => r.format);
    console.log(
      slower.length
        ? `\nslower than GO Feature Flag in: ${slower.join(', ')}`
        : '\nat least as fast as GO Feature Flag in every format measured',
    );
  }

  const report = {
    bench: 'goff-file-exporter',
    events: options.n,
    runs: options.runs,
    warmup: options.warmup,
    machine,
    checks: notes,
    rows,
  };
  const resultsDir = join(here, '..', 'results');
  mkdirSync(resultsDir, { recursive: true });
  const out = join(resultsDir, `goff-${machine.date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`results: ${out}`);
  console.log(JSON.stringify(report));
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
