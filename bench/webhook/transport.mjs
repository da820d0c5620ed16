// fetch or node:http for the webhook exporter (docs/decisions/019): requests/s and client CPU per request
// for bodies of 4 KiB, 64 KiB and 512 KiB (the exporter's default maxBatchBytes), POSTed one after the
// other over one kept-alive connection to the benchmark receiver (its own process).
//
//   node bench/webhook/transport.mjs [--runs 5] [--mb 64]
//
// Each run measures both clients back to back, alternating which goes first; medians of the runs.
import { Agent } from 'node:http';
import { clock, fmt, median, numberArg, printTable, since } from '../lib/report.mjs';
import { postFetch, postHttp, startReceiver } from './clients.mjs';

const RUNS = numberArg('runs', 5);
const MEGABYTES = numberArg('mb', 64);
const SIZES = [4 << 10, 64 << 10, 512 << 10];

const agent = new Agent({ keepAlive: true });

const receiver = await startReceiver();
const url = `${receiver.base}/transport`;
const clients = { 'node:http': (url, body) => postHttp(url, body, agent), fetch: postFetch };
const results = {};
try {
  for (const size of SIZES) {
    // Bodies the receiver can count: events of the right size.
    const event = `{"kind":"feature","userKey":"${'u'.repeat(200)}"}`;
    const body = Buffer.from(
      `{"meta":{},"events":[${Array(Math.floor(size / (event.length + 1)))
        .fill(event)
        .join(',')}]}`,
    );
    const requests = Math.max(100, Math.floor((MEGABYTES << 20) / body.length));
    for (let run = 0; run < RUNS; run++) {
      const order = run % 2 === 0 ? Object.keys(clients) : Object.keys(clients).reverse();
      for (const name of order) {
        const send = clients[name];
        for (let i = 0; i < 20; i++) await send(url, body);
        const started = clock();
        for (let i = 0; i < requests; i++) await send(url, body);
        const time = since(started);
        const key = `${size}|${name}`;
        results[key] ??= [];
        results[key].push({ perSecond: (requests / time.wall) * 1000, cpuMs: time.cpu / requests });
      }
    }
  }
} finally {
  receiver.stop();
  agent.destroy();
}
console.log(
  `POST one after the other, one kept-alive connection, ${RUNS} runs, medians (Node ${process.version})`,
);
printTable(
  ['body', 'client', 'requests/s', 'MB/s', 'client CPU ms/request', '× fetch (requests/s)'],
  Object.entries(results).map(([key, runs]) => {
    const [size, name] = key.split('|');
    const rate = median(runs.map((r) => r.perSecond));
    const fetchRate = median(results[`${size}|fetch`].map((r) => r.perSecond));
    return [
      `${Number(size) >> 10} KiB`,
      name,
      fmt(rate),
      fmt((rate * Number(size)) / 1e6),
      fmt(median(runs.map((r) => r.cpuMs))),
      fmt(rate / fetchRate),
    ];
  }),
);
