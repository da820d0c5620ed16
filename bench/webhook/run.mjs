// Webhook delivery, events/s: 1M realistic FeatureEvents through DataExporter + WebhookExporter to a
// local receiver (another process, which counts the events of every body), beside a bare fetch of the
// same bodies (the same bytes, built in the loop with core's eventJson: the goal's anchor), the same
// bodies prebuilt and POSTed with fetch and with node:http (transport alone), and a naive exporter
// (JSON.stringify of { meta, events } per request, then fetch).
//
//   node bench/webhook/run.mjs [--runs 5] [--events 1000000]      (build first: pnpm exec turbo run build)
//
// Each run starts one child process per contender (order rotating from run to run), all against one
// receiver. A child warms up on 100 000 events, then times the delivery of all events, from the first
// event handed over until the last answer; the receiver's count is checked afterwards. The bodies of
// the bare contenders are the bytes the exporter sends: 512 KiB each, core's eventJson, packed as the
// exporter packs them; the "prebuilt" ones get them built before the clock starts.
import { Agent } from 'node:http';
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import { DataExporter, eventJson, silentLogger } from '@ff/exporter-core';
import { WebhookExporter } from '../../packages/webhook/dist/index.mjs';
import { runChild } from '../lib/child.mjs';
import { makeEvents } from '../lib/events.mjs';
import {
  clock,
  fmt,
  median,
  numberArg,
  printRows,
  printTable,
  row,
  saveResults,
  since,
  spread,
  stringArg,
} from '../lib/report.mjs';
import { postFetch, postHttp, startReceiver } from './clients.mjs';

const RUNS = numberArg('runs', 5);
const EVENTS = numberArg('events', 1_000_000);
const WARMUP_EVENTS = Math.min(EVENTS, 100_000);
const MAX_BYTES = 512 * 1024;
const META = { hostname: hostname() };

const CONTENDERS = {
  exporter: 'DataExporter → WebhookExporter (batches of 100 000, 512 KiB requests)',
  exporterGzip: 'DataExporter → WebhookExporter({ gzip: true })',
  fetch: 'fetch of the same bodies, built in the loop',
  fetchPrebuilt: 'fetch of the same bodies, prebuilt (transport only)',
  httpPrebuilt: 'node:http of the same bodies, prebuilt (transport only)',
  naive: 'JSON.stringify({ meta, events }) per request, then fetch',
};

/** The exporter's bodies: `{"meta":…,"events":[…]}` of at most 512 KiB, events as core's eventJson. */
function buildBodies(events) {
  const start = `{"meta":${JSON.stringify(META)},"events":[`;
  const bodies = [];
  const counts = [];
  let parts = [];
  let bytes = Buffer.byteLength(start) + 2;
  const close = () => {
    bodies.push(Buffer.from(`${start}${parts.join(',')}]}`));
    counts.push(parts.length);
  };
  for (const event of events) {
    const json = eventJson(event);
    const size = Buffer.byteLength(json) + (parts.length > 0 ? 1 : 0);
    if (parts.length > 0 && bytes + size > MAX_BYTES) {
      close();
      parts = [];
      bytes = Buffer.byteLength(start) + 2;
    }
    parts.push(json);
    bytes += size;
  }
  if (parts.length > 0) close();
  return { bodies, counts };
}

async function viaExporter(events, url, gzip = false) {
  const data = new DataExporter({
    exporter: new WebhookExporter({ endpointUrl: url, gzip }),
    maxEventsInMemory: 100_000,
    maxPendingEvents: Math.max(events.length, 200_000),
    logger: silentLogger,
    exportAtExit: false,
  });
  for (let i = 0; i < events.length; i++) data.add(events[i]);
  await data.flush();
  await data.close();
  const stats = data.stats();
  if (stats.exported !== events.length) throw new Error(`WebhookExporter: ${JSON.stringify(stats)}`);
}

async function viaFetch(bodies, url) {
  for (const body of bodies) await postFetch(url, body);
}

async function viaHttp(bodies, url, agent) {
  for (const body of bodies) await postHttp(url, body, agent);
}

async function viaNaive(events, counts, url) {
  let at = 0;
  for (const count of counts) {
    const body = JSON.stringify({ meta: META, events: events.slice(at, at + count) });
    at += count;
    await postFetch(url, body);
  }
}

async function received(base, path) {
  return Number(await (await fetch(`${base}/count${path}`)).text());
}

async function child(name, base) {
  const events = makeEvents(EVENTS);
  const agent = new Agent({ keepAlive: true });
  const deliver = async (batch, path) => {
    const url = `${base}${path}`;
    if (name === 'exporter') return viaExporter(batch, url);
    if (name === 'exporterGzip') return viaExporter(batch, url, true);
    if (name === 'fetch') {
      const started = clock();
      await viaFetch(buildBodies(batch).bodies, url);
      return since(started);
    }
    const { bodies, counts } = buildBodies(batch);
    const started = clock();
    if (name === 'fetchPrebuilt') await viaFetch(bodies, url);
    else if (name === 'httpPrebuilt') await viaHttp(bodies, url, agent);
    else await viaNaive(batch, counts, url);
    return since(started);
  };
  const id = `${name}-${process.pid}`;
  await deliver(events.slice(0, WARMUP_EVENTS), `/${id}-warm`);
  const started = clock();
  const bare = await deliver(events, `/${id}`);
  const time = bare ?? since(started);
  const count = await received(base, `/${id}`);
  if (count !== events.length)
    throw new Error(`${name}: the receiver counted ${count} events of ${events.length}`);
  agent.destroy();
  console.log(JSON.stringify({ wallMs: time.wall, cpuMs: time.cpu, events: count }));
}

async function parent() {
  const names = Object.keys(CONTENDERS);
  console.log(
    `Webhook: ${EVENTS.toLocaleString('en-US')} events, ${RUNS} runs, one child process per contender per run, one receiver process`,
  );
  const receiver = await startReceiver();
  const results = Object.fromEntries(names.map((n) => [n, []]));
  const script = fileURLToPath(import.meta.url);
  try {
    for (let run = 0; run < RUNS; run++) {
      for (let k = 0; k < names.length; k++) {
        const name = names[(k + run) % names.length];
        results[name].push(
          runChild(script, ['--child', name, '--base', receiver.base, '--events', String(EVENTS)]),
        );
      }
      process.stdout.write(`  run ${run + 1}/${RUNS} done\n`);
    }
  } finally {
    receiver.stop();
  }
  const rate = (r) => (r.events / r.wallMs) * 1000;
  const ratio = (a, b) => median(results[a].map((r, i) => rate(r) / rate(results[b][i])));
  console.log(
    `\nevents/s (wall clock; median of ${RUNS} runs, min–max), CPU seconds per 1M events; ratios from the same run`,
  );
  printTable(
    ['contender', 'events/s', 'spread', 'CPU s/1M', '× fetch', '× fetch prebuilt', '× node:http prebuilt'],
    names.map((n) => [
      CONTENDERS[n],
      fmt(median(results[n].map(rate))),
      spread(results[n].map(rate)),
      fmt(median(results[n].map((r) => (r.cpuMs / r.events) * 1000))),
      fmt(ratio(n, 'fetch')),
      fmt(ratio(n, 'fetchPrebuilt')),
      fmt(ratio(n, 'httpPrebuilt')),
    ]),
  );
  // On a shared machine CPU time is the steadier figure: the anchor's CPU per event over ours.
  const cpuRatio = (a, b) =>
    median(results[a].map((r, i) => results[b][i].cpuMs / results[b][i].events / (r.cpuMs / r.events)));
  const cpuNote = (a, b) => `per CPU second ${fmt(cpuRatio(a, b))}×`;
  const value = (n) => ({ label: CONTENDERS[n], value: median(results[n].map(rate)) });
  const vsFetch = ratio('exporter', 'fetch');
  const rows = [
    row({
      scenario: 'webhook, WebhookExporter vs bare fetch of the same bodies',
      unit: 'events/s',
      ours: value('exporter'),
      anchor: value('fetch'),
      ratio: vsFetch,
      goal: '≥ 0.9× bare fetch',
      met: vsFetch >= 0.9,
      note: cpuNote('exporter', 'fetch'),
    }),
    row({
      scenario: 'webhook, WebhookExporter vs fetch of prebuilt bodies (transport only)',
      unit: 'events/s',
      ours: value('exporter'),
      anchor: value('fetchPrebuilt'),
      ratio: ratio('exporter', 'fetchPrebuilt'),
      note: cpuNote('exporter', 'fetchPrebuilt'),
    }),
    row({
      scenario: 'webhook, WebhookExporter vs node:http of prebuilt bodies (transport only)',
      unit: 'events/s',
      ours: value('exporter'),
      anchor: value('httpPrebuilt'),
      ratio: ratio('exporter', 'httpPrebuilt'),
      note: cpuNote('exporter', 'httpPrebuilt'),
    }),
    row({
      scenario: 'webhook, WebhookExporter vs naive JSON.stringify + fetch',
      unit: 'events/s',
      ours: value('exporter'),
      anchor: value('naive'),
      ratio: ratio('exporter', 'naive'),
      note: cpuNote('exporter', 'naive'),
    }),
    row({
      scenario: 'webhook, WebhookExporter gzip vs bare fetch (uncompressed)',
      unit: 'events/s',
      ours: value('exporterGzip'),
      anchor: value('fetch'),
      ratio: ratio('exporterGzip', 'fetch'),
      note: cpuNote('exporterGzip', 'fetch'),
    }),
  ];
  console.log('');
  printRows(rows);
  saveResults('webhook', rows, { runs: RUNS, events: EVENTS, results });
}

const childName = stringArg('child');
if (childName) await child(childName, stringArg('base'));
else await parent();
