#!/usr/bin/env node
// Peak memory of @ff/exporter-parquet on growing batches (100k, 1M, 3M events by default), each size
// in a fresh process, several runs, medians. Also how long the event loop is held: the longest wait
// for one row group (encoded whole; the Format yields between them), the longest event-loop block
// seen, and the longest GC pause (with millions of live events, a major GC is the longest block).
// Needs the package built (npm run build at the root).
// usage: node rss.mjs [--events 100000,1000000,3000000] [--runs 3] [--row-group 65536] [--codec SNAPPY]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '100000,1000000,3000000' },
    runs: { type: 'string', default: '3' },
    'row-group': { type: 'string', default: '' },
    codec: { type: 'string', default: 'SNAPPY' },
    child: { type: 'string' },
    'gc-each-row-group': { type: 'boolean', default: false },
  },
});

if (values.child) {
  // One measurement: build the events, note the RSS, stream the batch to a file, note the peak.
  const { monitorEventLoopDelay, PerformanceObserver } = await import('node:perf_hooks');
  const { statSync } = await import('node:fs');
  const { makeEvents } = await import('./events.mjs');
  const { write, stats } = await import('./writers/ff-exporter-parquet.mjs');
  const events = makeEvents(Number(values.events));
  globalThis.gc?.();
  const rssWithEvents = process.memoryUsage.rss();
  // GC pauses are reported apart: with a million live events a major GC alone can block for long.
  let maxGcMs = 0;
  const gcs = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) maxGcMs = Math.max(maxGcMs, entry.duration);
  });
  gcs.observe({ entryTypes: ['gc'] });
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const started = performance.now();
  const rowGroupSize = values['row-group'] ? Number(values['row-group']) : undefined;
  // With --gc-each-row-group, a full GC after each row group shows what the encoder really holds,
  // apart from the garbage V8 lets pile up (its heap grows in proportion to the live heap).
  let heapAboveEvents = 0;
  const heapWithEvents = process.memoryUsage().heapUsed;
  const onChunk = values['gc-each-row-group']
    ? () => {
        globalThis.gc();
        const { heapUsed, external } = process.memoryUsage();
        heapAboveEvents = Math.max(heapAboveEvents, heapUsed + external - heapWithEvents);
      }
    : undefined;
  await write(events, values.child, { codec: values.codec, rowGroupSize, onChunk });
  const ms = performance.now() - started;
  delay.disable();
  await new Promise((resolve) => setImmediate(resolve));
  gcs.disconnect();
  const maxRss = process.resourceUsage().maxRSS * 1024;
  console.log(
    JSON.stringify({
      events: events.length,
      ms,
      eventsPerSec: events.length / (ms / 1000),
      bytes: statSync(values.child).size,
      rssWithEvents,
      maxRss,
      rssAboveEvents: maxRss - rssWithEvents,
      maxBlockMs: delay.max / 1e6,
      maxGcMs,
      maxRowGroupMs: stats.maxChunkMs,
      heapAboveEvents,
    }),
  );
  process.exit(0);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const mb = (b) => (b / 2 ** 20).toFixed(0);
const dir = mkdtempSync(join(tmpdir(), 'ff-bench-parquet-rss-'));
console.log(
  `@ff/exporter-parquet peak RSS, codec ${values.codec}, row groups of ${values['row-group'] || 'the default'}, ${values.runs} runs each (medians)`,
);
console.log(
  'events      events/s   file MiB  RSS with events  peak RSS  peak above events  longest row group  longest event-loop block  longest GC pause' +
    (values['gc-each-row-group'] ? '  retained after GC' : ''),
);
for (const n of values.events.split(',').map(Number)) {
  const samples = [];
  for (let run = 0; run < Number(values.runs); run++) {
    const file = join(dir, `rss-${n}.parquet`);
    const args = [
      '--expose-gc',
      '--max-old-space-size=8192',
      fileURLToPath(import.meta.url),
      '--child',
      file,
    ];
    args.push('--events', String(n), '--codec', values.codec);
    if (values['row-group']) args.push('--row-group', values['row-group']);
    if (values['gc-each-row-group']) args.push('--gc-each-row-group');
    const child = spawnSync(process.execPath, args, { cwd: here, encoding: 'utf8' });
    rmSync(file, { force: true });
    if (child.status !== 0) {
      console.error(`${n} events: failed: ${child.stderr.slice(-2000)}`);
      break;
    }
    samples.push(JSON.parse(child.stdout.trim().split('\n').at(-1)));
  }
  if (samples.length === 0) continue;
  const m = (key) => median(samples.map((s) => s[key]));
  console.log(
    `${String(n).padEnd(10)} ${Math.round(m('eventsPerSec')).toLocaleString('en').padStart(9)}  ${(m('bytes') / 2 ** 20).toFixed(1).padStart(8)}  ` +
      `${mb(m('rssWithEvents')).padStart(11)} MiB  ${mb(m('maxRss')).padStart(5)} MiB  ${mb(m('rssAboveEvents')).padStart(13)} MiB  ` +
      `${m('maxRowGroupMs').toFixed(0).padStart(14)} ms  ${m('maxBlockMs').toFixed(0).padStart(21)} ms  ${m('maxGcMs').toFixed(0).padStart(12)} ms` +
      (values['gc-each-row-group']
        ? `  ${(m('heapAboveEvents') / 2 ** 20).toFixed(1).padStart(13)} MiB`
        : ''),
  );
}
rmSync(dir, { recursive: true, force: true });
