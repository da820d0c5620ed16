// add() cost per event: DataExporter.add with a bulk exporter that does nothing (and one that encodes
// JSON Lines to nowhere) vs a bare array push cut at the same batch size, vs OpenTelemetry's
// BatchSpanProcessor.onEnd with a no-op exporter (same queue bound, same batch size). For context, the
// same push on an object's field through a method (the floor for any batcher object).
//
//   node bench/add.mjs [--runs 7] [--events 1000000] [--passes 3]
//
// Each run starts one child process per contender (order rotating from run to run), so every contender
// measures on a clean heap and all of them are measured close in time; ratios are taken within a run,
// then their median is reported. Figures are CPU time per event (wall-clock time is printed too): on a
// shared machine CPU time does not count the time a process waits for a core. In a child, every
// contender is fed the same way: tight loops of 100 000 prebuilt events, then one turn of the event
// loop (setImmediate) in which batches cut meanwhile are delivered, then a final flush. The clock runs
// over all of it, so a batch's cut and its (no-op) delivery are in the figure; the synchronous loops
// alone are reported too ("loop only").
//
// Two sets of events: "cold", 1M distinct prebuilt events (~200 MB: the first touch of each is a cache
// miss), and "warm", a pool of 10 000 events cycled to the same count (as in an evaluation hook, where
// add() gets the event it has just created, still in cache).

import { fileURLToPath } from 'node:url';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { runChild } from './lib/child.mjs';
import { makeEvents } from './lib/events.mjs';
import {
  addSince,
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

// `--core PATH`: a patched copy of core's build (add-elimination.mjs uses it); else the package.
const { DataExporter, jsonLines, silentLogger } = await import(stringArg('core') ?? '@ff/exporter-core');

const RUNS = numberArg('runs', 7);
const EVENTS = numberArg('events', 1_000_000);
const PASSES = numberArg('passes', 3);
/** Per child and configuration: warm-up samples, then measured ones (their median is the child's figure). */
const WARMUP = 1;
const SAMPLES = 3;
const YIELD_EVERY = 100_000;
/** Same bound for DataExporter (maxPendingEvents) and the BatchSpanProcessor (maxQueueSize). */
const QUEUE = 200_000;
const WARM_POOL = 10_000;
/** JSON encoding costs ~1 µs/event: fewer events keep a sample short; figures are per event. */
const JSONL_EVENTS = 300_000;
const BATCH_SIZES = [100_000, 1_000];

const CONTENDERS = {
  push: 'array.push, same cut',
  pushField: "array.push on an object's field, same cut",
  dataExporter: 'DataExporter.add, no-op bulk exporter',
  otel: 'BatchSpanProcessor.onEnd, no-op exporter',
  dataExporterJsonl: 'DataExporter.add, exporter encoding JSON Lines to nowhere',
};

// ---- the bare push: the floor. The cut batch is handed off (kept, so it is not optimised away).
let handedOff;
async function feedPush(events, batchSize, passes) {
  let buffer = [];
  const loop = { wall: 0, cpu: 0 };
  const started = clock();
  for (let p = 0; p < passes; p++) {
    for (let i = 0; i < events.length; ) {
      const end = Math.min(i + YIELD_EVERY, events.length);
      const t = clock();
      for (; i < end; i++) {
        if (buffer.push(events[i]) >= batchSize) {
          handedOff = buffer;
          buffer = [];
        }
      }
      addSince(loop, t);
      await nextTurn();
    }
  }
  const total = since(started);
  if (handedOff.length + buffer.length === 0) throw new Error('nothing pushed');
  return { total, loop, count: events.length * passes };
}

// ---- the same push, on an object's field through a method (what any batcher class does): the buffer
// is loaded from and stored to the object instead of living in a register.
class FieldBatcher {
  constructor(batchSize) {
    this.buffer = [];
    this.batchSize = batchSize;
    this.handedOff = [];
  }
  add(event) {
    if (this.buffer.push(event) >= this.batchSize) {
      this.handedOff = this.buffer;
      this.buffer = [];
    }
  }
}

async function feedField(events, batchSize, passes) {
  const batcher = new FieldBatcher(batchSize);
  const loop = { wall: 0, cpu: 0 };
  const started = clock();
  for (let p = 0; p < passes; p++) {
    for (let i = 0; i < events.length; ) {
      const end = Math.min(i + YIELD_EVERY, events.length);
      const t = clock();
      for (; i < end; i++) batcher.add(events[i]);
      addSince(loop, t);
      await nextTurn();
    }
  }
  const total = since(started);
  if (batcher.handedOff.length + batcher.buffer.length === 0) throw new Error('nothing pushed');
  return { total, loop, count: events.length * passes };
}

// ---- DataExporter with a bulk exporter that does nothing, or that encodes JSON Lines to nowhere.
const noopExporter = () => ({ isBulk: () => true, export: async () => {} });

function jsonLinesToNowhere() {
  const format = jsonLines();
  return {
    isBulk: () => true,
    async export(events) {
      const rejected = [];
      let bytes = 0;
      for await (const chunk of format.encode(events, (i) => rejected.push(i))) bytes += chunk.byteLength;
      if (bytes === 0) throw new Error('nothing encoded');
      return { rejected };
    },
  };
}

async function feedExporter(makeExporter, events, batchSize, passes) {
  const exporter = new DataExporter({
    exporter: makeExporter(),
    maxEventsInMemory: batchSize,
    maxPendingEvents: QUEUE,
    flushIntervalMs: 3_600_000,
    logger: silentLogger,
    exportAtExit: false,
  });
  const loop = { wall: 0, cpu: 0 };
  const started = clock();
  for (let p = 0; p < passes; p++) {
    for (let i = 0; i < events.length; ) {
      const end = Math.min(i + YIELD_EVERY, events.length);
      const t = clock();
      for (; i < end; i++) exporter.add(events[i]);
      addSince(loop, t);
      await nextTurn();
      // A no-op export is done by now; an encoding one takes many turns: wait for it, else the bound
      // (rightly) drops what a sink slower than the producer cannot take.
      await exporter.flush();
    }
  }
  await exporter.flush();
  const total = since(started);
  await exporter.close();
  const stats = exporter.stats();
  const count = events.length * passes;
  if (stats.exported !== count || stats.dropped !== 0 || stats.failed !== 0) {
    throw new Error(`DataExporter lost events: ${JSON.stringify(stats)} of ${count}`);
  }
  return { total, loop, count };
}

// ---- OpenTelemetry's BatchSpanProcessor.onEnd with a no-op exporter. The cheapest span it accepts:
// onEnd reads span.spanContext().traceFlags and, at export, span.resource; prebuilt, one per event.
const SAMPLED = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 };
const RESOURCE = { attributes: {}, asyncAttributesPending: false };
class CheapSpan {
  constructor(event) {
    this.name = event.key;
    this.attributes = { userKey: event.userKey };
    this.resource = RESOURCE;
  }
  spanContext() {
    return SAMPLED;
  }
}

async function feedSpans(spans, batchSize, passes) {
  let exported = 0;
  const processor = new BatchSpanProcessor(
    {
      export(batch, done) {
        exported += batch.length;
        done({ code: 0 });
      },
      shutdown: async () => {},
    },
    { maxExportBatchSize: batchSize, maxQueueSize: QUEUE, scheduledDelayMillis: 3_600_000 },
  );
  const loop = { wall: 0, cpu: 0 };
  const started = clock();
  for (let p = 0; p < passes; p++) {
    for (let i = 0; i < spans.length; ) {
      const end = Math.min(i + YIELD_EVERY, spans.length);
      const t = clock();
      for (; i < end; i++) processor.onEnd(spans[i]);
      addSince(loop, t);
      await nextTurn();
    }
  }
  await processor.forceFlush();
  const total = since(started);
  await processor.shutdown();
  const count = spans.length * passes;
  if (exported !== count) throw new Error(`BatchSpanProcessor exported ${exported} of ${count} spans`);
  return { total, loop, count };
}

/** One contender, every configuration, in this (child) process: prints one JSON line. */
async function child(name) {
  const cold = makeEvents(EVENTS);
  const warm = Array.from({ length: EVENTS }, (_, i) => cold[i % WARM_POOL]);
  const sets = { cold, warm };
  if (name === 'otel') {
    const spans = cold.map((e) => new CheapSpan(e));
    sets.cold = spans;
    sets.warm = Array.from({ length: EVENTS }, (_, i) => spans[i % WARM_POOL]);
  }
  const feed = {
    push: (events, batchSize) => feedPush(events, batchSize, PASSES),
    pushField: (events, batchSize) => feedField(events, batchSize, PASSES),
    dataExporter: (events, batchSize) => feedExporter(noopExporter, events, batchSize, PASSES),
    otel: (spans, batchSize) => feedSpans(spans, batchSize, PASSES),
    dataExporterJsonl: (events, batchSize) =>
      feedExporter(jsonLinesToNowhere, events.slice(0, JSONL_EVENTS), batchSize, 1),
  }[name];
  const out = {};
  for (const set of name === 'dataExporterJsonl' ? ['cold'] : ['cold', 'warm']) {
    for (const batchSize of BATCH_SIZES) {
      const figures = { cpu: { total: [], loop: [] }, wall: { total: [], loop: [] } };
      for (let s = 0; s < WARMUP + SAMPLES; s++) {
        const r = await feed(sets[set], batchSize);
        if (s < WARMUP) continue;
        for (const time of ['cpu', 'wall']) {
          figures[time].total.push((r.total[time] * 1e6) / r.count);
          figures[time].loop.push((r.loop[time] * 1e6) / r.count);
        }
      }
      for (const time of ['cpu', 'wall']) {
        out[`${time}/${set}/${batchSize}`] = {
          total: median(figures[time].total),
          loop: median(figures[time].loop),
        };
      }
    }
  }
  console.log(JSON.stringify(out));
}

async function parent() {
  const names = Object.keys(CONTENDERS);
  console.log(
    `add(): ${EVENTS.toLocaleString('en-US')} prebuilt events × ${PASSES} passes per sample (JSON Lines: ${JSONL_EVENTS.toLocaleString('en-US')} × 1), yield every ${YIELD_EVERY.toLocaleString('en-US')}, queue bound ${QUEUE.toLocaleString('en-US')}; ${RUNS} runs, one child process per contender per run`,
  );
  /** samples[name][config] = { total: [...per run], loop: [...] } */
  const samples = Object.fromEntries(names.map((n) => [n, {}]));
  const script = fileURLToPath(import.meta.url);
  for (let run = 0; run < RUNS; run++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(k + run) % names.length];
      const result = runChild(script, [
        '--child',
        name,
        '--events',
        String(EVENTS),
        '--passes',
        String(PASSES),
      ]);
      for (const [config, { total, loop }] of Object.entries(result)) {
        samples[name][config] ??= { total: [], loop: [] };
        samples[name][config].total.push(total);
        samples[name][config].loop.push(loop);
      }
    }
    process.stdout.write(`  run ${run + 1}/${RUNS} done\n`);
  }

  const ratio = (a, b, config, key = 'total') => {
    const ours = samples[a][config]?.[key];
    const theirs = samples[b][config]?.[key];
    return ours && theirs ? median(ours.map((v, i) => v / theirs[i])) : undefined;
  };
  const rows = [];
  for (const set of ['cold', 'warm']) {
    for (const batchSize of BATCH_SIZES) {
      const b = batchSize.toLocaleString('en-US');
      for (const time of ['cpu', 'wall']) {
        const config = `${time}/${set}/${batchSize}`;
        console.log(
          `\n${set} events, batch size ${b}, ${time === 'cpu' ? 'CPU' : 'wall-clock'} time (ns/event: median of ${RUNS} runs, min–max, median of per-run ratios to push)`,
        );
        printTable(
          ['contender', 'total', 'spread', '× push', 'loop only', '× push'],
          names
            .filter((n) => samples[n][config])
            .map((n) => [
              CONTENDERS[n],
              fmt(median(samples[n][config].total)),
              spread(samples[n][config].total),
              fmt(ratio(n, 'push', config)),
              fmt(median(samples[n][config].loop)),
              fmt(ratio(n, 'push', config, 'loop')),
            ]),
        );
      }
      // The final table takes CPU time: steadier than wall-clock time on a shared machine.
      const config = `cpu/${set}/${batchSize}`;
      const de = median(samples.dataExporter[config].total);
      const vsPush = ratio('dataExporter', 'push', config);
      rows.push(
        row({
          scenario: `add() vs push, batch ${b}, ${set} events`,
          unit: 'ns/event',
          ours: { label: CONTENDERS.dataExporter, value: de },
          anchor: { label: CONTENDERS.push, value: median(samples.push[config].total) },
          ratio: vsPush,
          goal: '≤ 1.5× push',
          met: vsPush <= 1.5,
        }),
        row({
          scenario: `add() vs push on an object's field, batch ${b}, ${set} events`,
          unit: 'ns/event',
          ours: { label: CONTENDERS.dataExporter, value: de },
          anchor: { label: CONTENDERS.pushField, value: median(samples.pushField[config].total) },
          ratio: ratio('dataExporter', 'pushField', config),
        }),
        row({
          scenario: `add() vs OTel BatchSpanProcessor.onEnd, batch ${b}, ${set} events`,
          unit: 'ns/event',
          ours: { label: CONTENDERS.dataExporter, value: de },
          anchor: { label: CONTENDERS.otel, value: median(samples.otel[config].total) },
          ratio: ratio('dataExporter', 'otel', config),
        }),
      );
      if (samples.dataExporterJsonl[config]) {
        rows.push(
          row({
            scenario: `add() + JSON Lines encoding to nowhere, batch ${b}, ${set} events`,
            unit: 'ns/event',
            ours: {
              label: CONTENDERS.dataExporterJsonl,
              value: median(samples.dataExporterJsonl[config].total),
            },
            anchor: { label: CONTENDERS.push, value: median(samples.push[config].total) },
            ratio: ratio('dataExporterJsonl', 'push', config),
          }),
        );
      }
    }
  }
  console.log('');
  printRows(rows);
  saveResults('add', rows, { runs: RUNS, events: EVENTS, passes: PASSES, samples });
}

const childName = stringArg('child');
if (childName) await child(childName);
else await parent();
