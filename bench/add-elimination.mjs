// What add() costs, by elimination: patched copies of core's build, each with one part taken out, timed
// as add.mjs times DataExporter (same child process, same events, CPU time), next to the bare push.
// Taking out the kind check is a measurement device (it shows what touching the event costs). The
// lazy context.signal getter is the change proposed for data-exporter.ts; making the attempt's timer
// on the first read of the signal too measured no better.
//
//   node bench/add-elimination.mjs [--runs 5]
//
// A patch that no longer applies (core changed) shows as "n/a".
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runChild } from './lib/child.mjs';
import { fmt, median, numberArg, printTable, saveResults } from './lib/report.mjs';

const RUNS = numberArg('runs', 5);
const built = createRequire(import.meta.url)
  .resolve('@ff/exporter-core')
  .replace(/index\.cjs$/, 'index.mjs');
const source = readFileSync(built, 'utf8');

/** [search, replacement]; a search is a string or a RegExp. */
const NO_KIND_CHECK = ['if (event?.kind !== this.#kind) return;', ''];
// Node creates an AbortController's signal (an EventTarget, ~2 µs with its GC) on the first read of
// `.signal`: a getter defers that to the exporter that reads it; the timer's abort() still works.
const LAZY_SIGNAL = ['signal: controller.signal,', 'get signal() { return controller.signal; },'];
// The timer's only effect is to abort the signal: when no one has read the signal, it need not exist.
const LAZY_SIGNAL_AND_TIMER = [
  [/const controller = new AbortController\(\);\s*batch\.controller = controller;/, 'let controller;'],
  [
    /const timeout = setTimeout\(\(\) => controller\.abort\(([\s\S]*?)\), deadline - now\);/,
    `let timeout;
      const attemptSignal = () => {
        if (!controller) {
          const c = (controller = batch.controller = new AbortController());
          timeout = setTimeout(() => c.abort($1), Math.max(0, deadline - Date.now()));
        }
        return controller.signal;
      };`,
  ],
  ['signal: controller.signal,', 'get signal() { return attemptSignal(); },'],
];
const VARIANTS = {
  'as built': [],
  'without the kind check in add()': [NO_KIND_CHECK],
  'context.signal as a lazy getter': [LAZY_SIGNAL],
  'signal and its timer made on first read': LAZY_SIGNAL_AND_TIMER,
  'signal and timer on first read, no kind check': [...LAZY_SIGNAL_AND_TIMER, NO_KIND_CHECK],
};

function patch(patches) {
  let text = source;
  for (const [search, replacement] of patches) {
    const next = text.replace(search, replacement);
    if (next === text) return undefined;
    text = next;
  }
  return text;
}

const dir = join(tmpdir(), `ff-bench-core-variants-${process.pid}`);
mkdirSync(dir, { recursive: true });
const files = {};
Object.entries(VARIANTS).forEach(([name, patches], i) => {
  const text = patch(patches);
  if (text === undefined) return;
  files[name] = join(dir, `variant-${i}.mjs`);
  writeFileSync(files[name], text);
});

const script = join(fileURLToPath(new URL('.', import.meta.url)), 'add.mjs');
const contenders = ['push', ...Object.keys(files)];
const samples = Object.fromEntries(contenders.map((n) => [n, {}]));
console.log(`add() by elimination: ${RUNS} runs, one child process per variant per run (CPU time, ns/event)`);
try {
  for (let run = 0; run < RUNS; run++) {
    for (let k = 0; k < contenders.length; k++) {
      const name = contenders[(k + run) % contenders.length];
      const args =
        name === 'push'
          ? ['--child', 'push']
          : ['--child', 'dataExporter', '--core', pathToFileURL(files[name]).href];
      for (const [config, figures] of Object.entries(runChild(script, args))) {
        if (!config.startsWith('cpu/')) continue;
        samples[name][config] ??= { total: [], loop: [] };
        samples[name][config].total.push(figures.total);
        samples[name][config].loop.push(figures.loop);
      }
    }
    process.stdout.write(`  run ${run + 1}/${RUNS} done\n`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const configs = Object.keys(samples.push);
for (const config of configs) {
  const [, set, batch] = config.split('/');
  console.log(`\n${set} events, batch size ${Number(batch).toLocaleString('en-US')}`);
  const perRun = (name, key) => samples[name][config][key];
  const ratio = (name, key) => median(perRun(name, key).map((v, i) => v / perRun('push', key)[i]));
  printTable(
    ['variant', 'total', '× push', 'loop only', '× push', 'per-batch part (total − loop)'],
    ['push', ...Object.keys(VARIANTS)].map((name) =>
      samples[name]?.[config]
        ? [
            name,
            fmt(median(perRun(name, 'total'))),
            fmt(ratio(name, 'total')),
            fmt(median(perRun(name, 'loop'))),
            fmt(ratio(name, 'loop')),
            fmt(median(perRun(name, 'total').map((v, i) => v - perRun(name, 'loop')[i]))),
          ]
        : [name, 'n/a', '', '', '', ''],
    ),
  );
}
saveResults('add-elimination', [], { runs: RUNS, samples });
