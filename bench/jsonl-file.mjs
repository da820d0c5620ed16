// JSON Lines to a file, events/s: core's jsonLines() Format writing the same 1M realistic FeatureEvents
// chunk by chunk (an fs write stream; a FileHandle), the whole product path (DataExporter feeding
// @ff/exporter-file's FileExporter), and pino writing the same event objects as JSON lines, in its sync
// and async modes. Same events, same disk (the OS temp folder), output line counts checked.
//
//   node bench/jsonl-file.mjs [--runs 7] [--events 1000000]
//
// Each run starts one child process per contender (order rotating from run to run): a clean heap each,
// all measured close in time. A child warms up on 100 000 events, then times one write of all events,
// from the first event handed over until the file is written and closed. Ratios are taken within a run.
// FileExporter also syncs each file to disk (datasync) before linking it to its name: that is in its
// figure; "FileHandle.write, then datasync" is the same write without DataExporter and FileExporter,
// for comparison. Neither pino nor the other contenders sync.
import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataExporter, jsonLines, silentLogger } from '@ff/exporter-core';
import { FileExporter } from '@ff/exporter-file';
import pino from 'pino';
import { runChild } from './lib/child.mjs';
import { makeEvents } from './lib/events.mjs';
import {
  clock,
  fmt,
  median,
  nextTurn,
  numberArg,
  printRows,
  printTable,
  row,
  saveResults,
  since,
  spread,
  stringArg,
} from './lib/report.mjs';

const RUNS = numberArg('runs', 7);
const EVENTS = numberArg('events', 1_000_000);
const WARMUP_EVENTS = Math.min(EVENTS, 100_000);
/** pino is called the way an application logs: a turn of the event loop every so often. */
const PINO_YIELD_EVERY = 10_000;

const CONTENDERS = {
  stream: 'jsonLines() chunks → fs.createWriteStream',
  filehandle: 'jsonLines() chunks → FileHandle.write',
  filehandleSync: 'jsonLines() chunks → FileHandle.write, then datasync',
  fileExporter: "DataExporter → FileExporter({ format: 'json' }), batches of 100 000",
  pinoSync: 'pino, pino.destination({ sync: true })',
  pinoAsync: 'pino, pino.destination({ sync: false }), flushed at the end',
};

const throwOnInvalid = (index, error) => {
  throw new Error(`event ${index} could not be encoded: ${error.message}`);
};

async function viaStream(events, dir) {
  const stream = createWriteStream(join(dir, 'out.jsonl'));
  for await (const chunk of jsonLines().encode(events, throwOnInvalid)) {
    if (!stream.write(chunk)) await once(stream, 'drain');
  }
  stream.end();
  await once(stream, 'close');
}

async function viaFileHandle(events, dir, sync = false) {
  const file = await open(join(dir, 'out.jsonl'), 'w');
  try {
    for await (const chunk of jsonLines().encode(events, throwOnInvalid)) await file.write(chunk);
    if (sync) await file.datasync();
  } finally {
    await file.close();
  }
}

async function viaFileExporter(events, dir) {
  const exporter = new DataExporter({
    exporter: new FileExporter({ outputDir: dir, format: 'json' }),
    maxEventsInMemory: 100_000,
    // Room for every event at once: the loop adds them all before the first batch is written.
    maxPendingEvents: Math.max(events.length, 200_000),
    logger: silentLogger,
    exportAtExit: false,
  });
  for (let i = 0; i < events.length; i++) exporter.add(events[i]);
  await exporter.flush();
  await exporter.close();
  const stats = exporter.stats();
  if (stats.exported !== events.length) throw new Error(`FileExporter: ${JSON.stringify(stats)}`);
}

async function viaPino(events, dir, sync) {
  const destination = pino.destination({ dest: join(dir, 'out.jsonl'), sync });
  // No pid, hostname or time: the event object alone, plus pino's "level":30.
  const logger = pino({ base: null, timestamp: false }, destination);
  if (!sync) await once(destination, 'ready');
  for (let i = 0; i < events.length; ) {
    const end = Math.min(i + PINO_YIELD_EVERY, events.length);
    for (; i < end; i++) logger.info(events[i]);
    if (!sync) await nextTurn();
  }
  destination.end();
  await once(destination, 'close');
}

const WRITERS = {
  stream: viaStream,
  filehandle: (events, dir) => viaFileHandle(events, dir),
  filehandleSync: (events, dir) => viaFileHandle(events, dir, true),
  fileExporter: viaFileExporter,
  pinoSync: (events, dir) => viaPino(events, dir, true),
  pinoAsync: (events, dir) => viaPino(events, dir, false),
};

/** Lines and bytes of every file in `dir`, hidden temporary files excepted. */
async function countOutput(dir) {
  let lines = 0;
  let bytes = 0;
  for (const name of readdirSync(dir)) {
    if (name.startsWith('.')) continue;
    const path = join(dir, name);
    bytes += statSync(path).size;
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
      for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lines++;
    }
  }
  return { lines, bytes };
}

async function child(name) {
  const events = makeEvents(EVENTS);
  const root = join(tmpdir(), `ff-bench-jsonl-${process.pid}`);
  const write = WRITERS[name];
  try {
    const warm = join(root, 'warm-up');
    mkdirSync(warm, { recursive: true });
    await write(events.slice(0, WARMUP_EVENTS), warm);
    rmSync(warm, { recursive: true, force: true });

    const dir = join(root, 'measured');
    mkdirSync(dir, { recursive: true });
    const started = clock();
    await write(events, dir);
    const time = since(started);
    const { lines, bytes } = await countOutput(dir);
    if (lines !== events.length)
      throw new Error(`${name}: ${lines} lines written for ${events.length} events`);
    console.log(JSON.stringify({ wallMs: time.wall, cpuMs: time.cpu, lines, bytes }));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

async function parent() {
  const names = Object.keys(CONTENDERS);
  console.log(
    `JSON Lines to a file: ${EVENTS.toLocaleString('en-US')} events, ${RUNS} runs, one child process per contender per run, files in ${tmpdir()}`,
  );
  const results = Object.fromEntries(names.map((n) => [n, []]));
  const script = fileURLToPath(import.meta.url);
  for (let run = 0; run < RUNS; run++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(k + run) % names.length];
      results[name].push(runChild(script, ['--child', name, '--events', String(EVENTS)]));
    }
    process.stdout.write(`  run ${run + 1}/${RUNS} done\n`);
  }
  const rate = (r) => (r.lines / r.wallMs) * 1000;
  const mbps = (r) => r.bytes / 1e6 / (r.wallMs / 1000);
  const ratio = (a, b) => median(results[a].map((r, i) => rate(r) / rate(results[b][i])));
  const cpuRatio = (a, b) => median(results[a].map((r, i) => results[b][i].cpuMs / r.cpuMs));
  console.log(
    `\nevents/s (wall clock; median of ${RUNS} runs, min–max), MB/s, bytes/event, CPU seconds per 1M events; ratios of events/s from the same run (last column: ratio of CPU time per event)`,
  );
  printTable(
    [
      'contender',
      'events/s',
      'spread',
      'MB/s',
      'bytes/event',
      'CPU s/1M',
      '× pino sync',
      '× pino async',
      'CPU: × pino sync',
    ],
    names.map((n) => [
      CONTENDERS[n],
      fmt(median(results[n].map(rate))),
      spread(results[n].map(rate)),
      fmt(median(results[n].map(mbps))),
      fmt(results[n][0].bytes / results[n][0].lines),
      fmt(median(results[n].map((r) => (r.cpuMs / r.lines) * 1000))),
      fmt(ratio(n, 'pinoSync')),
      fmt(ratio(n, 'pinoAsync')),
      fmt(cpuRatio(n, 'pinoSync')),
    ]),
  );
  const rows = [];
  for (const ours of ['filehandle', 'fileExporter']) {
    for (const anchor of ['pinoSync', 'pinoAsync']) {
      const r = ratio(ours, anchor);
      rows.push(
        row({
          scenario: `JSON Lines to a file, ${ours === 'filehandle' ? 'Format' : 'FileExporter'} vs ${anchor === 'pinoSync' ? 'pino sync' : 'pino async'}`,
          unit: 'events/s',
          ours: { label: CONTENDERS[ours], value: median(results[ours].map(rate)) },
          anchor: { label: CONTENDERS[anchor], value: median(results[anchor].map(rate)) },
          ratio: r,
          ...(anchor === 'pinoSync' ? { goal: '≥ 3× pino sync', met: r >= 3 } : {}),
          note: `${fmt(median(results[ours].map(mbps)))} MB/s vs ${fmt(median(results[anchor].map(mbps)))} MB/s; per CPU second ${fmt(cpuRatio(ours, anchor))}×`,
        }),
      );
    }
  }
  console.log('');
  printRows(rows);
  saveResults('jsonl-file', rows, { runs: RUNS, events: EVENTS, results });
}

const childName = stringArg('child');
if (childName) await child(childName);
else await parent();
