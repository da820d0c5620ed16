// BlobExporter's own cost: a 1M-event batch through BlobExporter into a store that only counts the
// bytes, beside the bare Format encoder (and the bare encoder piped through zlib's gzip) consuming the
// same events in the same run. Shows what partitions (24 hourly objects, events interleaved) and
// gzip cost, and the peak RSS above the events (nothing holds a batch whole).
//
//   node bench/blob/run.mjs [--runs 5] [--events 1000000]
//
// One child process per contender per run (order rotating), a clean heap each; a child warms up on
// 100 000 events, then times one export of all events from the call until the store has read the
// last byte. Ratios are taken within a run, then their median is reported.
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { createGzip } from 'node:zlib';
import { BlobExporter, jsonLines, silentLogger } from '@ff/exporter-core';
import { runChild } from '../lib/child.mjs';
import { makeEvents } from '../lib/events.mjs';
import { clock, fmt, median, numberArg, printTable, since, spread, stringArg } from '../lib/report.mjs';

const RUNS = numberArg('runs', 5);
const EVENTS = numberArg('events', 1_000_000);
const WARMUP_EVENTS = Math.min(EVENTS, 100_000);

const CONTENDERS = {
  encoder: 'jsonLines().encode(), bytes counted (anchor)',
  blob: 'BlobExporter json → counting store',
  partitioned: "BlobExporter json, path 'h={{ .Hour}}' (24 objects, events interleaved)",
  gzipEncoder: 'jsonLines().encode() → zlib gzip, bytes counted (gzip anchor)',
  gzip: "BlobExporter json, compression 'gzip'",
};

/** A BlobStore that reads every chunk, as an upload would, and keeps only counts. */
function countingStore() {
  const store = {
    objects: 0,
    bytes: 0,
    async create(_name, body) {
      store.objects++;
      for await (const chunk of body) store.bytes += chunk.length;
      return 'created';
    },
  };
  return store;
}

const context = (batchId) => ({
  signal: new AbortController().signal,
  logger: silentLogger,
  batchId,
  attempt: 1,
  deadline: Date.now() + 600_000,
  batchCreatedAt: Date.now(),
});

async function viaBlob(events, options) {
  const store = countingStore();
  const result = await new BlobExporter(store, options).export(events, context('bench-1'));
  if (result.rejected.length > 0) throw new Error(`${result.rejected.length} events rejected`);
  return { bytes: store.bytes, objects: store.objects };
}

async function viaEncoder(events, gzip) {
  let bytes = 0;
  // Every event encodes (as BlobExporter's rejected list shows for its contenders): fail loudly if not.
  const chunks = jsonLines().encode(events, (index) => {
    throw new Error(`event ${index} could not be encoded`);
  });
  if (!gzip) {
    for await (const chunk of chunks) bytes += chunk.length;
    return { bytes, objects: 1 };
  }
  const zip = createGzip();
  const counted = (async () => {
    for await (const chunk of zip) bytes += chunk.length;
  })();
  for await (const chunk of chunks) if (!zip.write(chunk)) await once(zip, 'drain');
  zip.end();
  await counted;
  return { bytes, objects: 1 };
}

const WRITERS = {
  encoder: (events) => viaEncoder(events, false),
  blob: (events) => viaBlob(events, {}),
  partitioned: (events) => viaBlob(events, { path: 'h={{ .Hour}}' }),
  gzipEncoder: (events) => viaEncoder(events, true),
  gzip: (events) => viaBlob(events, { compression: 'gzip' }),
};

async function child(name) {
  // 24 hours, interleaved: the partitioned contender writes 24 objects; the others do not care.
  const events = makeEvents(EVENTS).map((event, i) => ({
    ...event,
    creationDate: 1_735_689_600 + (i % 24) * 3_600,
  }));
  const write = WRITERS[name];
  await write(events.slice(0, WARMUP_EVENTS));
  globalThis.gc?.();
  const baseline = process.memoryUsage().rss;
  const started = clock();
  const { bytes, objects } = await write(events);
  const time = since(started);
  const peakAboveMb = (process.resourceUsage().maxRSS * 1024 - baseline) / 1e6;
  console.log(JSON.stringify({ wallMs: time.wall, cpuMs: time.cpu, bytes, objects, peakAboveMb }));
}

async function parent() {
  const names = Object.keys(CONTENDERS);
  console.log(
    `BlobExporter: ${EVENTS.toLocaleString('en-US')} events in one batch, ${RUNS} runs, one child process per contender per run`,
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
  const rate = (r) => (EVENTS / r.wallMs) * 1000;
  const ratio = (a, b) => median(results[a].map((r, i) => rate(r) / rate(results[b][i])));
  const anchorOf = (n) => (n === 'gzip' || n === 'gzipEncoder' ? 'gzipEncoder' : 'encoder');
  console.log(
    `\nevents/s (wall clock; median of ${RUNS} runs, min–max), MB/s of bytes handed to the store, objects, peak RSS above the events (MB, maxRSS; the warm-up's peak may dominate), ratio of events/s to its anchor in the same run`,
  );
  printTable(
    ['contender', 'events/s', 'spread', 'MB/s', 'objects', 'peak above (MB)', '× anchor'],
    names.map((n) => [
      CONTENDERS[n],
      fmt(median(results[n].map(rate))),
      spread(results[n].map(rate)),
      fmt(median(results[n].map((r) => r.bytes / 1e6 / (r.wallMs / 1000)))),
      results[n][0].objects,
      fmt(median(results[n].map((r) => r.peakAboveMb))),
      n === anchorOf(n) ? '1 (anchor)' : `${fmt(ratio(n, anchorOf(n)))} × ${anchorOf(n)}`,
    ]),
  );
}

const childName = stringArg('child', undefined);
if (childName) await child(childName);
else await parent();
