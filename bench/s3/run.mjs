// S3Exporter against moto: a 1M-event batch through DataExporter + S3Exporter (encoding, multipart,
// create-only) next to the same bytes, encoded beforehand, uploaded by the bare SDK (lib-storage's
// Upload, same part size and parallelism), and peak RSS above the batch at 300k and 1M events.
//
//   node bench/s3/run.mjs [--runs 3] [--events 1000000] [--small 300000]
//
// One moto server for the whole run (a private one, stopped at the end); one child process per
// contender and run (a clean heap each, `--expose-gc`), their order alternating from run to run.
// Timed: ours from the first add() until flush() resolved; the SDK's from Upload() until done().
// RSS: sampled every 5 ms and after every add() loop; the figure is the highest sample minus RSS
// after building the events and collecting garbage twice.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { DataExporter, jsonLines, silentLogger } from '@ff/exporter-core';
import { DEFAULT_PART_SIZE, S3Exporter, S3Store } from '@ff/exporter-s3';
import { killGroup } from '../../test-services/lib.mjs';
import { start } from '../../test-services/moto/index.mjs';
import { runChild } from '../lib/child.mjs';
import { makeEvents } from '../lib/events.mjs';
import {
  fmt,
  median,
  numberArg,
  printRows,
  printTable,
  row,
  saveResults,
  spread,
  stringArg,
} from '../lib/report.mjs';

const RUNS = numberArg('runs', 3);
const EVENTS = numberArg('events', 1_000_000);
const SMALL = numberArg('small', 300_000);
const MB = 1024 * 1024;
const BUCKET = 'bench';

const config = (endpoint) => ({
  endpoint,
  region: 'us-east-1',
  forcePathStyle: true,
  credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  maxAttempts: 1,
});

let peak = 0;
const sample = () => {
  const rss = process.memoryUsage.rss();
  if (rss > peak) peak = rss;
};

const CONTENDERS = {
  ours: 'DataExporter → S3Exporter (encode + multipart, create-only)',
  sdk: 'bare SDK: lib-storage Upload of the bytes, encoded beforehand (upload only)',
  sdkEncoding: 'bare SDK: jsonLines() into one Buffer, then lib-storage Upload (both timed)',
  store: "S3Store.create() of the same bytes, encoded beforehand (the exporter's upload path alone)",
};

async function onlyObject(client) {
  const listed = await client.send(new ListObjectsV2Command({ Bucket: BUCKET }));
  const keys = (listed.Contents ?? []).map((o) => o.Key);
  if (keys.length !== 1) throw new Error(`expected one object in the bucket, found ${keys.length}`);
  const head = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: keys[0] }));
  await client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: keys[0] }));
  return { bytes: head.ContentLength, parts: Number(/-(\d+)"$/.exec(head.ETag ?? '')?.[1] ?? 1) };
}

async function child(contender, endpoint, size) {
  const gc = globalThis.gc;
  if (!gc) throw new Error('run with --expose-gc');
  const client = new S3Client(config(endpoint));
  let events = makeEvents(size);
  let chunks;
  let encodeMs;
  if (contender !== 'ours') {
    gc();
    const encoding = performance.now();
    chunks = [];
    for await (const chunk of jsonLines().encode(events, () => {})) chunks.push(chunk);
    encodeMs = performance.now() - encoding;
    events = undefined;
  }
  const body = contender === 'sdk' ? Buffer.concat(chunks) : undefined;
  if (contender === 'sdk') chunks = undefined;
  gc();
  gc();
  const baseline = process.memoryUsage.rss();
  peak = baseline;
  const timer = setInterval(sample, 5);
  const started = performance.now();
  if (contender === 'ours') {
    const exporter = new DataExporter({
      exporter: new S3Exporter({ bucket: BUCKET, clientConfig: config(endpoint) }),
      maxEventsInMemory: size,
      exportTimeoutMs: 600_000,
      logger: silentLogger,
      exportAtExit: false,
    });
    for (let i = 0; i < events.length; i++) exporter.add(events[i]);
    sample();
    await exporter.flush();
    const ms = performance.now() - started;
    clearInterval(timer);
    await exporter.close();
    const stats = exporter.stats();
    if (stats.exported !== size) throw new Error(`exported ${JSON.stringify(stats)}`);
    report(ms, baseline, await onlyObject(client));
  } else if (contender === 'store') {
    const store = new S3Store({ bucket: BUCKET, client });
    const stream = (async function* () {
      yield* chunks;
    })();
    const signal = new AbortController().signal;
    await store.create(`store-${process.pid}.json`, stream, { contentType: 'application/x-ndjson', signal });
    const ms = performance.now() - started;
    clearInterval(timer);
    report(ms, baseline, await onlyObject(client));
  } else {
    const upload = new Upload({
      client,
      params: { Bucket: BUCKET, Key: `sdk-${process.pid}.json`, Body: body, IfNoneMatch: '*' },
      partSize: DEFAULT_PART_SIZE,
      queueSize: 4,
    });
    await upload.done();
    const ms = performance.now() - started;
    clearInterval(timer);
    report(ms, baseline, await onlyObject(client), { encodeMs });
  }
  client.destroy();
}

function report(ms, baseline, object, extra = {}) {
  console.log(JSON.stringify({ ms, peakAboveMB: (peak - baseline) / MB, ...object, ...extra }));
}

async function parent() {
  const logDir = mkdtempSync(join(tmpdir(), 'ff-bench-s3-'));
  const moto = await start({ logFile: join(logDir, 'moto.log') });
  const endpoint = moto.env.S3_ENDPOINT;
  try {
    const client = new S3Client(config(endpoint));
    await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
    client.destroy();
    console.log(
      `S3 (moto on ${endpoint}): ${EVENTS.toLocaleString('en-US')} events, JSON Lines, parts of ${DEFAULT_PART_SIZE / MB} MiB, 4 in flight; ${RUNS} runs`,
    );
    const script = fileURLToPath(import.meta.url);
    const measure = (contender, size) =>
      runChild(script, ['--child', contender, '--endpoint', endpoint, '--size', String(size)]);
    const runs = [];
    for (let run = 0; run < RUNS; run++) {
      const contenders = ['ours', 'sdk', 'store'];
      const order = contenders.map((_, i) => contenders[(i + run) % contenders.length]);
      const result = {};
      for (const contender of order) result[contender] = measure(contender, EVENTS);
      result.sdkEncoding = { ...result.sdk, ms: result.sdk.ms + result.sdk.encodeMs };
      result.small = measure('ours', SMALL);
      runs.push(result);
      process.stdout.write(
        `  run ${run + 1}/${RUNS}: ours ${fmt(result.ours.ms)} ms, sdk ${fmt(result.sdk.ms)} ms (encoding ${fmt(result.sdk.encodeMs)} ms before), store ${fmt(result.store.ms)} ms\n`,
      );
    }
    const bytes = runs[0].ours.bytes;
    const perSecond = (r) => EVENTS / (r.ms / 1000);
    const mbPerSecond = (r) => r.bytes / MB / (r.ms / 1000);
    const ratios = runs.map((r) => r.sdk.ms / r.ours.ms);
    const ratio = median(ratios);
    const encodingRatios = runs.map((r) => r.sdkEncoding.ms / r.ours.ms);
    const storeRatios = runs.map((r) => r.sdk.ms / r.store.ms);
    printTable(
      ['contender', 'events/s', 'MB/s', 'ms (min–max)', 'peak RSS above MB', 'parts'],
      Object.entries(CONTENDERS).map(([key, label]) => [
        label,
        fmt(median(runs.map((r) => perSecond(r[key])))),
        fmt(median(runs.map((r) => mbPerSecond(r[key])))),
        `${fmt(median(runs.map((r) => r[key].ms)))} (${spread(runs.map((r) => r[key].ms))})`,
        key === 'sdkEncoding' ? '' : fmt(median(runs.map((r) => r[key].peakAboveMB))),
        runs[0][key].parts,
      ]),
    );
    const small = median(runs.map((r) => r.small.peakAboveMB));
    const large = median(runs.map((r) => r.ours.peakAboveMB));
    const bound = 1.5 * small + 60;
    console.log(
      `\nobject: ${fmt(bytes / MB)} MB; peak RSS above the events, S3Exporter: ${fmt(small)} MB at ${SMALL.toLocaleString('en-US')} events, ${fmt(large)} MB at ${EVENTS.toLocaleString('en-US')}`,
    );
    const rows = [
      row({
        scenario: `S3Exporter, ${EVENTS.toLocaleString('en-US')} events to moto (JSON Lines, ${fmt(bytes / MB)} MB)`,
        unit: 'events/s',
        ours: { label: CONTENDERS.ours, value: median(runs.map((r) => perSecond(r.ours))) },
        anchor: { label: CONTENDERS.sdk, value: median(runs.map((r) => perSecond(r.sdk))) },
        ratio,
        goal: '≥ 0.9×',
        met: ratio >= 0.9,
        note: `MB/s ours ${fmt(median(runs.map((r) => mbPerSecond(r.ours))))}, SDK ${fmt(median(runs.map((r) => mbPerSecond(r.sdk))))}; per-run ratios ${ratios.map((x) => fmt(x)).join(', ')}`,
      }),
      row({
        scenario: `S3Exporter, ${EVENTS.toLocaleString('en-US')} events to moto, vs encoding then uploading with the bare SDK`,
        unit: 'events/s',
        ours: { label: CONTENDERS.ours, value: median(runs.map((r) => perSecond(r.ours))) },
        anchor: { label: CONTENDERS.sdkEncoding, value: median(runs.map((r) => perSecond(r.sdkEncoding))) },
        ratio: median(encodingRatios),
        note: `encoding alone: ${fmt(median(runs.map((r) => r.sdk.encodeMs)))} ms; per-run ratios ${encodingRatios.map((x) => fmt(x)).join(', ')}`,
      }),
      row({
        scenario: `S3Store upload path alone, the same ${fmt(bytes / MB)} MB, vs the bare SDK's Upload`,
        unit: 'MB/s',
        ours: { label: CONTENDERS.store, value: median(runs.map((r) => mbPerSecond(r.store))) },
        anchor: { label: CONTENDERS.sdk, value: median(runs.map((r) => mbPerSecond(r.sdk))) },
        ratio: median(storeRatios),
        goal: '≥ 0.9×',
        met: median(storeRatios) >= 0.9,
        note: `per-run ratios ${storeRatios.map((x) => fmt(x)).join(', ')}`,
      }),
      row({
        scenario: `S3Exporter peak RSS above the events, ${EVENTS.toLocaleString('en-US')} vs ${SMALL.toLocaleString('en-US')} events`,
        unit: 'MB',
        ours: { label: `${EVENTS.toLocaleString('en-US')} events`, value: large },
        anchor: { label: `${SMALL.toLocaleString('en-US')} events`, value: small },
        ratio: large / small,
        goal: `≤ 1.5 × the ${SMALL.toLocaleString('en-US')}-event figure + 60 MB (${fmt(bound)} MB)`,
        met: large <= bound,
      }),
    ];
    console.log('');
    printRows(rows);
    saveResults('s3', rows, { runs: RUNS, events: EVENTS, small: SMALL, results: runs });
  } finally {
    await Promise.all(moto.pids.map((pid) => killGroup(pid)));
    rmSync(logDir, { recursive: true, force: true });
  }
}

const contender = stringArg('child');
if (contender) await child(contender, stringArg('endpoint'), numberArg('size', EVENTS));
else await parent();
