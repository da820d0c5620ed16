#!/usr/bin/env node
// What `maxEventInMemory` costs in memory once it is a bound: a DataExporter whose sink is down holds
// up to maxPendingEvents = 2 × maxEventsInMemory events (GO Feature Flag holds them without a bound).
// Anchor: the same events in a bare array (their own footprint). Medians of several runs.
//
//   node --expose-gc bench/config/held-memory.mjs [--events 100000] [--runs 5]
import { DataExporter, silentLogger } from '@ff/exporter-core';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : Number(process.argv[i + 1]);
};
const flushSize = arg('events', 100_000);
const runs = arg('runs', 5);
if (typeof globalThis.gc !== 'function') {
  console.error('run with node --expose-gc');
  process.exit(2);
}

const event = (i) => ({
  kind: 'feature',
  contextKind: i % 5 === 0 ? 'anonymousUser' : 'user',
  userKey: `user-${i}-${((i * 2654435761) >>> 0).toString(36)}`,
  creationDate: 1_700_000_000 + (i >> 10),
  key: `flag-${i % 50}`,
  variation: i % 2 === 0 ? 'on' : 'off',
  value: i % 2 === 0,
  default: false,
  version: '1.2.0',
  source: 'SERVER',
});

const heap = () => {
  globalThis.gc();
  globalThis.gc();
  return process.memoryUsage().heapUsed;
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function held() {
  const before = heap();
  // A sink that never answers: the first batch stays in flight, the next fills the buffer, the rest drop.
  const exporter = { isBulk: () => true, export: () => new Promise(() => {}) };
  const data = new DataExporter({
    exporter,
    maxEventsInMemory: flushSize,
    flushIntervalMs: 2_147_483_647,
    closeTimeoutMs: 0,
    exportAtExit: false,
    logger: silentLogger,
  });
  for (let i = 0; i < 3 * flushSize; i++) data.add(event(i));
  await new Promise((resolve) => setImmediate(resolve));
  const bytes = heap() - before;
  const { pending, dropped } = data.stats();
  await data.close({ timeoutMs: 0 });
  return { bytes, pending, dropped };
}

function bare(count) {
  const before = heap();
  const events = new Array(count);
  for (let i = 0; i < count; i++) events[i] = event(i);
  const bytes = heap() - before;
  if (events[count - 1].key === '') console.log();
  return bytes;
}

const ours = [];
const anchor = [];
let last;
for (let r = 0; r < runs; r++) {
  last = await held();
  ours.push(last.bytes);
  anchor.push(bare(last.pending));
}
const mb = (b) => (b / 1024 / 1024).toFixed(1);
const oursMedian = median(ours);
const anchorMedian = median(anchor);
console.log(
  `maxEventInMemory ${flushSize}: sink down, ${last.pending} held (bound 2 × ${flushSize}), ${last.dropped} dropped`,
);
console.log(
  `DataExporter at its bound: ${mb(oursMedian)} MB (${Math.round(oursMedian / last.pending)} bytes/event), median of ${runs}`,
);
console.log(
  `the same events in an array: ${mb(anchorMedian)} MB (${Math.round(anchorMedian / last.pending)} bytes/event)`,
);
console.log(`ratio ${(oursMedian / anchorMedian).toFixed(2)}×`);
