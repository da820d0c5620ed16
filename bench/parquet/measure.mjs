#!/usr/bin/env node
// One measurement in a fresh process: builds N events, then times one writer writing them to a
// file, and prints one JSON line. Peak RSS is the process's maxRSS; `rssAboveEvents` subtracts the
// RSS measured once the events exist, so it is what the writer itself costs.
// usage: node --expose-gc measure.mjs <writer> <events> <file> [codec] [rowGroupSize]
import { statSync } from 'node:fs';
import { makeEvents } from './events.mjs';

const [lib, n = '1000000', file, codec = 'SNAPPY', rowGroupSize = '100000'] = process.argv.slice(2);
if (!lib || !file) {
  console.error('usage: node --expose-gc measure.mjs <writer> <events> <file> [codec] [rowGroupSize]');
  process.exit(2);
}
const { write } = await import(`./writers/${lib}.mjs`);
const events = makeEvents(Number(n));
globalThis.gc?.();
const rssWithEvents = process.memoryUsage.rss();
const started = performance.now();
await write(events, file, { codec, rowGroupSize: Number(rowGroupSize) || undefined });
const ms = performance.now() - started;
const maxRss = process.resourceUsage().maxRSS * 1024;
console.log(
  JSON.stringify({
    lib,
    codec,
    events: events.length,
    ms,
    eventsPerSec: events.length / (ms / 1000),
    bytes: statSync(file).size,
    rssWithEvents,
    maxRss,
    rssAboveEvents: maxRss - rssWithEvents,
  }),
);
