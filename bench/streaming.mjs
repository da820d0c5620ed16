// The cost per event of add() plus delivery for a streaming exporter (isBulk() === false: one
// export() per event), beside the same DataExporter with a bulk no-op exporter and a bare push,
// and the longest event-loop stall while core encodes 1M good events, 200 000 unserialisable ones
// (BigInt), and drains 200 000 streamed ones, measured with perf_hooks.monitorEventLoopDelay.
//
//   node bench/streaming.mjs [--runs 5] [--events 200000]
//
// Each run is a child process per contender (clean heap, order rotating); medians of the runs.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { runChild } from './lib/child.mjs';
import { makeEvents } from './lib/events.mjs';
import { fmt, median, nextTurn, numberArg, printRows, row, saveResults, stringArg } from './lib/report.mjs';

const { DataExporter, jsonLines, silentLogger } = await import('@ff/exporter-core');

const RUNS = numberArg('runs', 5);
const EVENTS = numberArg('events', 200_000);
const PASSES = 3;

const newDataExporter = (exporter, extra = {}) =>
  new DataExporter({
    exporter,
    maxEventsInMemory: EVENTS,
    maxPendingEvents: EVENTS,
    flushIntervalMs: 3_600_000,
    logger: silentLogger,
    exportAtExit: false,
    ...extra,
  });

/** ns per event from add() of the first event to the last one settled. */
async function perEvent(contender, events) {
  let delivered = 0;
  const started = process.hrtime.bigint();
  if (contender === 'push') {
    const buffer = [];
    for (const event of events) buffer.push(event);
    delivered = buffer.length;
  } else {
    const exporter = {
      isBulk: () => contender === 'bulk',
      async export(batch) {
        delivered += batch.length;
      },
    };
    const de = newDataExporter(exporter);
    for (const event of events) de.add(event);
    await de.flush();
    await de.close();
  }
  const ns = Number(process.hrtime.bigint() - started);
  if (delivered !== events.length)
    throw new Error(`${contender}: ${delivered} of ${events.length} delivered`);
  return ns / events.length;
}

/** The longest event-loop stall (ms) while `work` runs. */
async function longestStall(work) {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  await nextTurn();
  await work();
  histogram.disable();
  return histogram.max / 1e6;
}

const STALLS = {
  'encode 1M good events (JSON Lines)': async () => {
    const events = makeEvents(1_000_000);
    for await (const _ of jsonLines().encode(events, () => {})) void _;
  },
  'encode 200 000 unserialisable events (BigInt)': async () => {
    const events = makeEvents(200_000).map((e) => ({ ...e, value: 1n }));
    let rejected = 0;
    for await (const _ of jsonLines().encode(events, () => rejected++)) void _;
    if (rejected !== 200_000) throw new Error(`rejected ${rejected}`);
  },
  'drain 200 000 streamed events (no-op exporter)': async () => {
    const events = makeEvents(200_000);
    const de = newDataExporter(
      { isBulk: () => false, export: async () => {} },
      { maxPendingEvents: 200_000, maxEventsInMemory: 200_000 },
    );
    for (const event of events) de.add(event);
    await de.flush();
    await de.close();
  },
};

const child = stringArg('child');
if (child) {
  const [kind, name] = child.split(':');
  let value;
  if (kind === 'cost') {
    // The first passes warm the JIT up; the last one is measured.
    const events = makeEvents(EVENTS);
    for (let pass = 0; pass < PASSES; pass++) value = await perEvent(name, events);
  } else value = await longestStall(STALLS[name]);
  console.log(JSON.stringify({ value }));
  process.exit(0);
}

const script = fileURLToPath(import.meta.url);
const contenders = ['push', 'bulk', 'streaming'];
const costs = Object.fromEntries(contenders.map((c) => [c, []]));
const stalls = Object.fromEntries(Object.keys(STALLS).map((s) => [s, []]));
for (let run = 0; run < RUNS; run++) {
  for (let i = 0; i < contenders.length; i++) {
    const name = contenders[(i + run) % contenders.length];
    costs[name].push(runChild(script, ['--child', `cost:${name}`, '--events', String(EVENTS)]).value);
  }
  for (const name of Object.keys(STALLS))
    stalls[name].push(runChild(script, ['--child', `stall:${name}`]).value);
  process.stdout.write(`  run ${run + 1}/${RUNS} done\n`);
}

const push = median(costs.push);
const rows = [
  row({
    scenario: `add() + delivery, bulk no-op exporter, ${EVENTS.toLocaleString('en-US')} events`,
    unit: 'ns/event',
    ours: { label: 'DataExporter, bulk', value: median(costs.bulk) },
    anchor: { label: 'bare array push', value: push },
    ratio: median(costs.bulk) / push,
  }),
  row({
    scenario: `add() + delivery, streaming no-op exporter (one export() per event), ${EVENTS.toLocaleString('en-US')} events`,
    unit: 'ns/event',
    ours: { label: 'DataExporter, streaming', value: median(costs.streaming) },
    anchor: { label: 'bare array push', value: push },
    ratio: median(costs.streaming) / push,
  }),
  ...Object.entries(stalls).map(([name, values]) =>
    row({
      scenario: `longest event-loop stall: ${name}`,
      unit: 'ms',
      ours: { label: `max of ${RUNS} runs ${fmt(Math.max(...values))}, median`, value: median(values) },
      goal: '< 50 ms',
      met: Math.max(...values) < 50,
    }),
  ),
];
printRows(rows);
saveResults('streaming', rows);
