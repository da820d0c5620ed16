// A 1M-event batch to fake-gcs-server: DataExporter → GcsExporter (encode + resumable upload) beside
// the bare SDK uploading the same bytes from a file (createWriteStream, its defaults), in the same
// run; then the exporter's peak RSS above the batch at 300k and 1M events.
//
//   node bench/gcs/run.mjs [--runs 3] [--events 1000000] [--small 300000]
//
// Needs `npm run build` (the bench imports the built packages) and fake-gcs-server
// (`node test-services/fake-gcs-server/install.mjs`); it starts a private one and stops it at the end.
// Each measurement runs in a child process of its own (a clean heap): build the batch, collect
// garbage twice, take RSS as the baseline, export while sampling RSS every 5 ms; the figure is the
// highest sample minus the baseline.
import { createReadStream, rmSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { DataExporter, jsonLines, silentLogger } from '@ff/exporter-core';
import { GcsExporter, GcsStore } from '@ff/exporter-gcs';
import { Storage } from '@google-cloud/storage';
import { start } from '../../test-services/fake-gcs-server/index.mjs';
import { killGroup } from '../../test-services/lib.mjs';
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

const RUNS = numberArg('runs', 3);
const EVENTS = numberArg('events', 1_000_000);
const SMALL = numberArg('small', 300_000);
const BUCKET = 'ff-bench';
const MB = 1024 * 1024;

const WAYS = {
  exporter: 'DataExporter → GcsExporter (encode + upload)',
  store: "GcsStore alone, same bytes from a file (the package's glue, no encoding)",
  sdk: 'bare SDK createWriteStream, same bytes from a file',
};

let peak = 0;
const sample = () => {
  const rss = process.memoryUsage.rss();
  if (rss > peak) peak = rss;
};

async function measure(body) {
  const gc = globalThis.gc;
  if (!gc) throw new Error('run with --expose-gc');
  gc();
  gc();
  const baseline = process.memoryUsage.rss();
  peak = baseline;
  const timer = setInterval(sample, 5);
  const started = clock();
  await body();
  const { wall: ms, cpu: cpuMs } = since(started);
  clearInterval(timer);
  sample();
  return { ms, cpuMs, peakAboveMB: (peak - baseline) / MB };
}

/** The one object in the bucket: its size, then deleted so the in-memory emulator does not grow. */
async function takeObject(storage) {
  const [files] = await storage.bucket(BUCKET).getFiles();
  if (files.length !== 1) throw new Error(`expected 1 object, found ${files.length}`);
  const bytes = Number(files[0].metadata.size);
  await files[0].delete();
  return bytes;
}

const CHILDREN = {
  async exporter({ endpoint, size }) {
    const gc = globalThis.gc;
    gc();
    const before = process.memoryUsage.rss();
    let events = makeEvents(size);
    gc();
    const batchMB = (process.memoryUsage.rss() - before) / MB;
    const data = new DataExporter({
      exporter: new GcsExporter({ bucket: BUCKET, storageOptions: { apiEndpoint: endpoint } }),
      maxEventsInMemory: size,
      exportTimeoutMs: 600_000,
      logger: silentLogger,
      exportAtExit: false,
    });
    const result = await measure(async () => {
      for (let i = 0; i < events.length; i++) data.add(events[i]);
      await data.flush();
    });
    const stats = data.stats();
    await data.close();
    events = undefined;
    if (stats.exported !== size) throw new Error(`exported ${JSON.stringify(stats)}`);
    const storage = new Storage({ apiEndpoint: endpoint, projectId: 'bench' });
    return { ...result, batchMB, bytes: await takeObject(storage) };
  },
  async store({ endpoint, file }) {
    const storage = new Storage({
      apiEndpoint: endpoint,
      projectId: 'bench',
      retryOptions: { autoRetry: false, retryableErrorFn: () => false },
    });
    const store = new GcsStore(BUCKET, () => storage);
    const signal = new AbortController().signal;
    const result = await measure(() =>
      store.create(`store-${process.pid}.json`, createReadStream(file, { highWaterMark: MB }), {
        contentType: 'application/x-ndjson',
        signal,
      }),
    );
    return { ...result, bytes: await takeObject(storage) };
  },
  async sdk({ endpoint, file }) {
    const storage = new Storage({ apiEndpoint: endpoint, projectId: 'bench' });
    const result = await measure(() =>
      pipeline(
        createReadStream(file, { highWaterMark: MB }),
        storage
          .bucket(BUCKET)
          .file(`sdk-${process.pid}.json`)
          .createWriteStream({ contentType: 'application/x-ndjson' }),
      ),
    );
    return { ...result, bytes: await takeObject(storage) };
  },
};

/** The batch's bytes, encoded once, for the bare SDK to upload. */
async function encodeToFile(size, path) {
  const file = await open(path, 'w');
  try {
    for await (const chunk of jsonLines().encode(makeEvents(size), (i) => {
      throw new Error(`event ${i} cannot be encoded`);
    }))
      await file.write(chunk);
  } finally {
    await file.close();
  }
}

async function parent() {
  console.log(
    `GCS: ${EVENTS.toLocaleString('en-US')} events to fake-gcs-server, ${RUNS} runs, one child process per way and run`,
  );
  const logFile = join(tmpdir(), `ff-bench-gcs-${process.pid}.log`);
  const file = join(tmpdir(), `ff-bench-gcs-${process.pid}.jsonl`);
  const { env, pids } = await start({ logFile });
  const endpoint = env.GCS_ENDPOINT;
  try {
    await new Storage({ apiEndpoint: endpoint, projectId: 'bench' }).bucket(BUCKET).create();
    await encodeToFile(EVENTS, file);
    const fileBytes = statSync(file).size;
    const script = fileURLToPath(import.meta.url);
    const child = (way, size) =>
      runChild(script, ['--child', way, '--size', String(size), '--endpoint', endpoint, '--file', file]);
    const results = { exporter: [], store: [], sdk: [], small: [] };
    const ways = ['exporter', 'store', 'sdk'];
    for (let run = 0; run < RUNS; run++) {
      // Rotate the order so no way always runs on the warmest emulator.
      for (let k = 0; k < ways.length; k++) {
        const way = ways[(k + run) % ways.length];
        results[way].push(child(way, EVENTS));
      }
      results.small.push(child('exporter', SMALL));
      process.stdout.write(`  run ${run + 1}/${RUNS} done\n`);
    }
    for (const r of [...results.exporter, ...results.store, ...results.sdk]) {
      if (r.bytes !== fileBytes) throw new Error(`uploaded ${r.bytes} bytes, the batch is ${fileBytes}`);
    }
    const med = (list, key) => median(list.map((r) => r[key]));
    const eventsPerS = (r) => EVENTS / (r.ms / 1000);
    const mbPerS = (r) => r.bytes / MB / (r.ms / 1000);
    console.log(`\n${fmt(fileBytes / MB)} MB of JSON Lines; medians of ${RUNS} runs (min–max)`);
    printTable(
      ['way', 'events/s', 'MB/s', 'seconds', 'CPU seconds (this process)', 'peak RSS above baseline, MB'],
      ways.map((way) => [
        WAYS[way],
        `${fmt(median(results[way].map(eventsPerS)))} (${spread(results[way].map(eventsPerS))})`,
        `${fmt(median(results[way].map(mbPerS)))} (${spread(results[way].map(mbPerS))})`,
        fmt(med(results[way], 'ms') / 1000),
        fmt(med(results[way], 'cpuMs') / 1000),
        fmt(med(results[way], 'peakAboveMB')),
      ]),
    );
    const ratios = results.exporter.map((r, i) => results.sdk[i].ms / r.ms);
    const glueRatios = results.store.map((r, i) => results.sdk[i].ms / r.ms);
    const small = med(results.small, 'peakAboveMB');
    const large = med(results.exporter, 'peakAboveMB');
    const bound = 1.5 * small + 60;
    console.log(
      `\nbatch footprint: ${fmt(med(results.small, 'batchMB'))} MB at ${SMALL.toLocaleString('en-US')} events, ${fmt(med(results.exporter, 'batchMB'))} MB at ${EVENTS.toLocaleString('en-US')}`,
    );
    const rows = [
      row({
        scenario: `GCS: ${EVENTS.toLocaleString('en-US')} events to fake-gcs-server, throughput`,
        unit: 'MB/s',
        ours: { label: WAYS.exporter, value: median(results.exporter.map(mbPerS)) },
        anchor: { label: WAYS.sdk, value: median(results.sdk.map(mbPerS)) },
        ratio: median(ratios),
        goal: '≥ 0.9× the bare SDK',
        met: median(ratios) >= 0.9,
        note: `${fmt(median(results.exporter.map(eventsPerS)))} events/s; per-run ratios ${ratios.map((x) => fmt(x)).join(', ')}`,
      }),
      row({
        scenario: 'GCS: the same bytes through GcsStore vs the bare SDK (no encoding)',
        unit: 'MB/s',
        ours: { label: 'GcsStore', value: median(results.store.map(mbPerS)) },
        anchor: { label: WAYS.sdk, value: median(results.sdk.map(mbPerS)) },
        ratio: median(glueRatios),
        goal: '≈ 1× (the glue adds nothing)',
        met: median(glueRatios) >= 0.9,
        note: `per-run ratios ${glueRatios.map((x) => fmt(x)).join(', ')}`,
      }),
      row({
        scenario: `GCS: peak RSS above the batch, ${EVENTS.toLocaleString('en-US')} vs ${SMALL.toLocaleString('en-US')} events (forced GC)`,
        unit: 'MB',
        ours: { label: `${EVENTS.toLocaleString('en-US')} events`, value: large },
        anchor: { label: `${SMALL.toLocaleString('en-US')} events`, value: small },
        ratio: large / small,
        goal: '≤ 1.5× + 60 MB',
        met: large <= bound,
        note: `bound ${fmt(bound)} MB`,
      }),
    ];
    console.log('');
    printRows(rows);
    saveResults('gcs', rows, { runs: RUNS, events: EVENTS, small: SMALL, fileBytes, results });
  } finally {
    await Promise.all(pids.map((pid) => killGroup(pid)));
    rmSync(file, { force: true });
    rmSync(logFile, { force: true });
  }
}

const way = stringArg('child');
if (way) {
  const result = await CHILDREN[way]({
    endpoint: stringArg('endpoint'),
    size: numberArg('size', EVENTS),
    file: stringArg('file'),
  });
  console.log(JSON.stringify(result));
} else {
  await parent();
}
