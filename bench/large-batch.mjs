// A large batch: peak RSS above the batch's own footprint while encoding 100k, 300k and 1M events
// with jsonLines() into a file. Chunked encoding should keep it flat as the batch grows; one string per
// batch (the naive way, shown for contrast) grows with it.
//
//   node bench/large-batch.mjs [--runs 3] [--sizes 100000,300000,1000000]
//
// One child process per size, way and run (a clean heap each). In a child: build the batch, collect
// garbage twice, take RSS as the baseline (the process with its batch), then write the batch to a
// file while sampling RSS every 5 ms and after every chunk; the figure is the highest sample minus
// the baseline. The batch's own footprint is RSS after building it minus RSS before.
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataExporter, eventJson, jsonLines, silentLogger } from '@ff/exporter-core';
import { FileExporter } from '@ff/exporter-file';
import { runChild } from './lib/child.mjs';
import { makeEvents } from './lib/events.mjs';
import { fmt, median, numberArg, printRows, printTable, row, saveResults, stringArg } from './lib/report.mjs';

const RUNS = numberArg('runs', 3);
const SIZES = (stringArg('sizes') ?? '100000,300000,1000000').split(',').map(Number);
const MB = 1024 * 1024;

const WAYS = {
  chunked: 'jsonLines() chunks → FileHandle.write',
  fileExporter: 'DataExporter → FileExporter, the whole batch in one file',
  oneString: 'one string per batch, one write (naive, for contrast)',
};

const throwOnInvalid = (index, error) => {
  throw new Error(`event ${index} could not be encoded: ${error.message}`);
};

let peak = 0;
const sample = () => {
  const rss = process.memoryUsage.rss();
  if (rss > peak) peak = rss;
};

const WRITERS = {
  async chunked(events, dir) {
    const file = await open(join(dir, 'out.jsonl'), 'w');
    try {
      for await (const chunk of jsonLines().encode(events, throwOnInvalid)) {
        sample();
        await file.write(chunk);
      }
    } finally {
      await file.close();
    }
  },
  async fileExporter(events, dir) {
    const exporter = new DataExporter({
      exporter: new FileExporter({ outputDir: dir, format: 'json' }),
      maxEventsInMemory: events.length,
      logger: silentLogger,
      exportAtExit: false,
    });
    for (let i = 0; i < events.length; i++) exporter.add(events[i]);
    await exporter.flush();
    await exporter.close();
    if (exporter.stats().exported !== events.length) throw new Error(JSON.stringify(exporter.stats()));
  },
  async oneString(events, dir) {
    let text = '';
    for (let i = 0; i < events.length; i++) text += `${eventJson(events[i])}\n`;
    const body = Buffer.from(text);
    sample();
    const file = await open(join(dir, 'out.jsonl'), 'w');
    try {
      await file.write(body);
    } finally {
      await file.close();
    }
  },
};

async function child(way, size) {
  const gc = globalThis.gc;
  if (!gc) throw new Error('run with --expose-gc');
  gc();
  const before = process.memoryUsage.rss();
  let events = makeEvents(size);
  gc();
  gc();
  const baseline = process.memoryUsage.rss();
  const dir = join(tmpdir(), `ff-bench-large-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  try {
    peak = baseline;
    const timer = setInterval(sample, 5);
    const started = performance.now();
    await WRITERS[way](events, dir);
    const ms = performance.now() - started;
    clearInterval(timer);
    sample();
    const bytes = readdirSync(dir).reduce((n, f) => n + statSync(join(dir, f)).size, 0);
    events = undefined;
    console.log(
      JSON.stringify({
        batchMB: (baseline - before) / MB,
        peakAboveMB: (peak - baseline) / MB,
        ms,
        outputMB: bytes / MB,
      }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function parent() {
  console.log(
    `Large batch, peak RSS above the batch: sizes ${SIZES.map((s) => s.toLocaleString('en-US')).join(', ')}; ${RUNS} runs, one child process per size, way and run`,
  );
  const script = fileURLToPath(import.meta.url);
  const ways = Object.keys(WAYS);
  const results = {};
  for (let run = 0; run < RUNS; run++) {
    for (const size of SIZES) {
      for (let k = 0; k < ways.length; k++) {
        const way = ways[(k + run) % ways.length];
        results[way] ??= {};
        results[way][size] ??= [];
        results[way][size].push(runChild(script, ['--child', way, '--size', String(size)]));
      }
    }
    process.stdout.write(`  run ${run + 1}/${RUNS} done\n`);
  }
  const med = (way, size, key) => median(results[way][size].map((r) => r[key]));
  console.log(`\nMB (medians of ${RUNS} runs)`);
  printTable(
    ['way', ...SIZES.flatMap((s) => [`batch ${s / 1000}k`, `peak above ${s / 1000}k`]), 'output 1 file'],
    ways.map((way) => [
      WAYS[way],
      ...SIZES.flatMap((s) => [fmt(med(way, s, 'batchMB')), fmt(med(way, s, 'peakAboveMB'))]),
      `${fmt(med(way, SIZES.at(-1), 'outputMB'))} MB`,
    ]),
  );
  const small = SIZES[0];
  const large = SIZES.at(-1);
  const growth = large / small;
  const rows = ['chunked', 'fileExporter'].map((way) => {
    const a = med(way, small, 'peakAboveMB');
    const b = med(way, large, 'peakAboveMB');
    const naive = med('oneString', large, 'peakAboveMB');
    return row({
      scenario: `peak RSS above the batch, ${large.toLocaleString('en-US')} events (${way === 'chunked' ? 'Format' : 'FileExporter'})`,
      unit: 'MB',
      ours: { label: WAYS[way], value: b },
      anchor: { label: WAYS.oneString, value: naive },
      ratio: b / naive,
      goal: `flat: ≤ 2× the ${small.toLocaleString('en-US')}-event figure as the batch grows ${growth}×`,
      met: b <= 2 * Math.max(a, 1),
      note: `${fmt(a)} MB at ${small.toLocaleString('en-US')} events, ${fmt(b)} MB at ${large.toLocaleString('en-US')}`,
    });
  });
  console.log('');
  printRows(rows);
  saveResults('large-batch', rows, { runs: RUNS, sizes: SIZES, results });
}

const way = stringArg('child');
if (way) await child(way, numberArg('size', 100_000));
else await parent();
