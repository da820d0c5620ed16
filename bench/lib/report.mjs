// Shared by every sub-benchmark: medians, process info, the printed table and the results file that
// run.mjs gathers into the final table.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const benchDir = join(dirname(fileURLToPath(import.meta.url)), '..');
export const resultsDir = process.env.FF_BENCH_RESULTS ?? join(benchDir, 'results');

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Min and max, to show the spread next to a median. */
export function spread(values) {
  return `${fmt(Math.min(...values))}–${fmt(Math.max(...values))}`;
}

export function fmt(value, digits = 3) {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  return Number(value.toPrecision(digits)).toString();
}

/** Command-line `--name value` or `--name=value`, as a number. */
export function numberArg(name, fallback) {
  const argv = process.argv;
  for (let i = 2; i < argv.length; i++) {
    if (argv[i] === `--${name}`) return Number(argv[i + 1]);
    if (argv[i].startsWith(`--${name}=`)) return Number(argv[i].slice(name.length + 3));
  }
  return fallback;
}

/** Command-line `--name value` or `--name=value`, as a string. */
export function stringArg(name, fallback) {
  const argv = process.argv;
  for (let i = 2; i < argv.length; i++) {
    if (argv[i] === `--${name}`) return argv[i + 1];
    if (argv[i].startsWith(`--${name}=`)) return argv[i].slice(name.length + 3);
  }
  return fallback;
}

export function machine() {
  let cpu = cpus()[0]?.model ?? 'unknown';
  try {
    cpu = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpu;
  } catch {}
  let load = '';
  try {
    load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {}
  return { nproc: cpus().length, cpu, node: process.version, date: new Date().toISOString(), load };
}

export const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

export function printTable(headers, rows) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => cells.map((c, i) => String(c).padEnd(widths[i])).join('  ');
  console.log(line(headers));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}

/**
 * A row of the final table: our figure, the anchor's, their ratio (ours / anchor, as medians of the
 * per-run ratios when runs were paired) and whether the goal holds.
 */
export function row({ scenario, unit, ours, anchor, ratio, goal, met, note }) {
  return { scenario, unit, ours, anchor, ratio, goal, met, note };
}

/** Writes `results/<name>.json`, read back by run.mjs for the final table. */
export function saveResults(name, rows, extra = {}) {
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(
    join(resultsDir, `${name}.json`),
    `${JSON.stringify({ name, machine: machine(), rows, ...extra }, null, 2)}\n`,
  );
}

export function printRows(rows) {
  printTable(
    ['scenario', 'ours', 'anchor', 'ratio', 'goal', 'met'],
    rows.map((r) => [
      r.scenario,
      `${fmt(r.ours.value)} ${r.unit} (${r.ours.label})`,
      r.anchor ? `${fmt(r.anchor.value)} ${r.unit} (${r.anchor.label})` : '–',
      r.ratio === undefined ? '–' : `${fmt(r.ratio)}×`,
      r.goal ?? '',
      r.met === undefined || r.met === null ? '' : r.met ? 'yes' : 'NO',
    ]),
  );
}

/**
 * Wall and CPU time (ms). On a shared machine CPU time (user + system, this process's threads, GC
 * helpers included) is the steadier figure: it does not count the time the process waits for a core.
 */
export function clock() {
  return { wall: performance.now(), cpu: process.cpuUsage() };
}

export function since(start) {
  const cpu = process.cpuUsage(start.cpu);
  return { wall: performance.now() - start.wall, cpu: (cpu.user + cpu.system) / 1000 };
}

/** Adds the time since `start` to an accumulator `{ wall, cpu }`. */
export function addSince(acc, start) {
  const t = since(start);
  acc.wall += t.wall;
  acc.cpu += t.cpu;
}
