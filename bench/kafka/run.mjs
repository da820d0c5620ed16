#!/usr/bin/env node
// Kafka events/s on one real broker, same events, same run, each contender in a fresh process per run:
//   ours      DataExporter + KafkaExporter (@ff/exporter-kafka): add() all events, then flush()
//   raw       @platformatic/kafka (the client ours uses) producing the same records itself
//   kafkajs   kafkajs 2.2.4 producing the same records
//   kcat      Debian's kcat -P (librdkafka), key and value from a file: the speed limit here
//   goff      GO Feature Flag's own Kafka exporter (Go, sarama): one Export of all events
//   goff-mgr  the same exporter through their Manager, as GO Feature Flag runs it (a send per event)
// Usage: node bench/kafka/run.mjs [N=1000000] [--runs 3] [--only ours,raw,...] [--brokers host:port]
// It starts a private broker (test-services/kafka) unless --brokers is given, and stops it at the end.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { cacheDir } from '../../test-services/cache.mjs';
import { start, stop } from '../../test-services/kafka/index.mjs';
import { makeEvent } from '../lib/goff-events.mjs';
import { machine, median, printTable, saveResults } from '../lib/report.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const kafkaPackage = join(root, 'packages', 'kafka');
const requireFromKafka = createRequire(join(kafkaPackage, 'package.json'));
const PARTITIONS = 3;
/** Bytes of records per produce request for every JavaScript contender: under the broker's 1 MiB. */
const MAX_REQUEST_BYTES = 1_000_000;

function parseArgs(argv) {
  const options = {
    n: 1_000_000,
    runs: 3,
    only: undefined,
    brokers: undefined,
    child: undefined,
    topic: undefined,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => argv[++i];
    if (arg === '--runs') options.runs = Number(value());
    else if (arg === '--only') options.only = value().split(',');
    else if (arg === '--brokers') options.brokers = value();
    else if (arg === '--child') options.child = value();
    else if (arg === '--topic') options.topic = value();
    else if (/^\d+$/.test(arg)) options.n = Number(arg);
    else throw new Error(`unknown argument ${arg}`);
  }
  return options;
}

const importDist = (pkg) => import(pathToFileURL(join(root, 'packages', pkg, 'dist', 'index.mjs')).href);

function makeEvents(n) {
  const events = new Array(n);
  for (let i = 0; i < n; i++) events[i] = makeEvent(i);
  return events;
}

// ---- the contenders, each in a child process: build the events, then time the produce ------------

/** The records ours sends, built the same way by the raw contenders: JSON value, userKey key, batch id and index headers. */
function* chunks(events, eventJson, batchId) {
  const idKey = Buffer.from('ff-batch-id');
  const indexKey = Buffer.from('ff-batch-index');
  const idValue = Buffer.from(batchId);
  let records = [];
  let bytes = 0;
  for (let i = 0; i < events.length; i++) {
    const value = Buffer.from(eventJson(events[i]));
    const key = Buffer.from(events[i].userKey);
    const index = Buffer.from(String(i), 'latin1');
    const size =
      value.length + key.length + idKey.length + idValue.length + indexKey.length + index.length + 24;
    if (records.length > 0 && bytes + size > MAX_REQUEST_BYTES) {
      yield records;
      records = [];
      bytes = 0;
    }
    records.push({ key, value, headers: [idKey, idValue, indexKey, index] });
    bytes += size;
  }
  if (records.length > 0) yield records;
}

const children = {
  async ours(events, brokers, topic) {
    const { DataExporter, silentLogger } = await importDist('core');
    const retried = [];
    const logger = { ...silentLogger, info: (fields) => fields.err && retried.push(fields.err.message) };
    const { KafkaExporter } = await importDist('kafka');
    const started = performance.now();
    const data = new DataExporter({
      exporter: new KafkaExporter({ topic, addresses: brokers.split(',') }),
      // Every event is held until exported: the bench adds them all at once.
      maxPendingEvents: Math.max(events.length, 200_000),
      logger,
      exportAtExit: false,
    });
    for (const event of events) data.add(event);
    await data.flush();
    const seconds = (performance.now() - started) / 1000;
    await data.close();
    const stats = data.stats();
    if (stats.exported !== events.length) throw new Error(`ours: exported ${JSON.stringify(stats)}`);
    if (stats.retries > 0) console.error(`  ours: ${stats.retries} retries (${retried.join('; ')})`);
    return seconds;
  },

  async raw(events, brokers, topic) {
    const { eventJson } = await importDist('core');
    const { Producer, ProduceAcks, compatibilityPartitioner } = await import(
      pathToFileURL(requireFromKafka.resolve('@platformatic/kafka')).href
    );
    const started = performance.now();
    const producer = new Producer({
      clientId: 'bench-raw',
      bootstrapBrokers: brokers.split(','),
      idempotent: true,
      acks: ProduceAcks.ALL,
      retries: false,
      partitioner: compatibilityPartitioner,
    });
    // One send at a time: concurrent sends on an idempotent producer reuse sequence numbers.
    for (const records of chunks(events, eventJson, 'bench-raw')) {
      await producer.send({
        messages: records.map(({ key, value, headers: [a, b, c, d] }) => ({
          topic,
          key,
          value,
          headers: new Map([
            [a, b],
            [c, d],
          ]),
        })),
      });
    }
    const seconds = (performance.now() - started) / 1000;
    await producer.close();
    return seconds;
  },

  async kafkajs(events, brokers, topic) {
    const { eventJson } = await importDist('core');
    const { Kafka, logLevel } = requireFromKafka('kafkajs');
    const started = performance.now();
    const kafka = new Kafka({
      clientId: 'bench-kafkajs',
      brokers: brokers.split(','),
      logLevel: logLevel.NOTHING,
    });
    // Its idempotent producer refuses retries < 1 and more than one request in flight.
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    for (const records of chunks(events, eventJson, 'bench-kafkajs')) {
      await producer.send({
        topic,
        acks: -1,
        messages: records.map(({ key, value, headers: [a, b, c, d] }) => ({
          key,
          value,
          headers: { [a.toString()]: b, [c.toString()]: d },
        })),
      });
    }
    const seconds = (performance.now() - started) / 1000;
    await producer.disconnect();
    return seconds;
  },
};

async function child(options) {
  const events = makeEvents(options.n);
  const seconds = await children[options.child](events, options.brokers, options.topic);
  console.log(JSON.stringify({ seconds }));
}

function runNodeChild(name, options, topic) {
  const result = spawnSync(
    process.execPath,
    [
      fileURLToPath(import.meta.url),
      String(options.n),
      '--child',
      name,
      '--brokers',
      options.brokers,
      '--topic',
      topic,
    ],
    { encoding: 'utf8', maxBuffer: 16 << 20, stdio: ['ignore', 'pipe', 'inherit'], timeout: 900_000 },
  );
  if (result.status !== 0) throw new Error(`${name} failed (exit ${result.status ?? result.signal})`);
  return JSON.parse(result.stdout.trim().split('\n').pop()).seconds;
}

// ---- kcat: key<TAB>value lines from a file -------------------------------------------------------

async function writeKcatInput(n, dir) {
  const { eventJson } = await importDist('core');
  const file = join(dir, 'kcat-input.txt');
  const out = createWriteStream(file);
  let buffer = '';
  for (let i = 0; i < n; i++) {
    const event = makeEvent(i);
    buffer += `${event.userKey}\t${eventJson(event)}\n`;
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await new Promise((resolve) => out.once('drain', resolve));
      buffer = '';
    }
  }
  out.end(buffer);
  await new Promise((resolve) => out.once('finish', resolve));
  return file;
}

function runKcat(file, brokers, topic) {
  const started = performance.now();
  const result = spawnSync(
    'kcat',
    [
      '-P',
      '-b',
      brokers,
      '-t',
      topic,
      '-K',
      '\t',
      '-l',
      file,
      '-X',
      'enable.idempotence=true',
      '-X',
      'acks=all',
      '-X',
      'partitioner=murmur2_random',
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  if (result.status !== 0) throw new Error(`kcat failed (exit ${result.status ?? result.signal})`);
  return (performance.now() - started) / 1000;
}

// ---- GO Feature Flag's exporter: a long-lived Go process, one line per run ---------------------

function buildGo() {
  const dir = join(here, 'goff');
  const hash = createHash('sha256');
  for (const file of ['main.go', 'go.mod', 'go.sum']) hash.update(readFileSync(join(dir, file)));
  const binary = join(cacheDir, 'goff-kafka-bench', hash.digest('hex').slice(0, 12), 'goff-kafka-bench');
  if (existsSync(binary)) return { binary };
  mkdirSync(dirname(binary), { recursive: true });
  const go = spawnSync('go', ['build', '-o', binary, '.'], { cwd: dir, stdio: 'inherit' });
  return go.status === 0
    ? { binary }
    : { skip: 'go build failed (Go 1.26 and the Go module proxy needed once)' };
}

class GoServer {
  constructor(binary, args) {
    this.process = spawn(binary, args, { stdio: ['pipe', 'pipe', 'inherit'] });
    this.lines = [];
    this.waiting = [];
    let rest = '';
    this.process.stdout.on('data', (chunk) => {
      rest += chunk;
      let at = rest.indexOf('\n');
      while (at >= 0) {
        const line = JSON.parse(rest.slice(0, at));
        rest = rest.slice(at + 1);
        const waiter = this.waiting.shift();
        if (waiter) waiter(line);
        else this.lines.push(line);
        at = rest.indexOf('\n');
      }
    });
    this.exited = new Promise((resolve) => this.process.once('exit', resolve));
  }

  next() {
    if (this.lines.length > 0) return Promise.resolve(this.lines.shift());
    return Promise.race([
      new Promise((resolve) => this.waiting.push(resolve)),
      this.exited.then((code) => {
        throw new Error(`goff-kafka-bench exited (${code})`);
      }),
    ]);
  }

  async run(mode, topic) {
    this.process.stdin.write(`${mode} ${topic}\n`);
    return this.next();
  }

  close() {
    this.process.stdin.end();
    return this.exited;
  }
}

// ---- the broker and its topics --------------------------------------------------------------------

async function admin(brokers) {
  const { Kafka, logLevel } = requireFromKafka('kafkajs');
  const client = new Kafka({
    clientId: 'bench-admin',
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
  }).admin();
  await client.connect();
  return client;
}

async function recordsIn(client, topic) {
  const offsets = await client.fetchTopicOffsets(topic);
  return offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (options.child) return child(options);

  const all = ['ours', 'raw', 'kafkajs', 'kcat', 'goff', 'goff-mgr'];
  const contenders = (options.only ?? all).filter((c) => all.includes(c));
  const work = await mkdtemp(join(tmpdir(), 'ff-kafka-bench-'));
  let broker;
  if (!options.brokers) {
    broker = await start({ logFile: join(work, 'kafka.log'), dataDir: join(work, 'data') });
    options.brokers = broker.env.KAFKA_BROKERS;
  }
  const skipped = {};
  let go;
  let goServer;
  let goMeta = {};
  const managerN = Math.min(options.n, 20_000);
  try {
    if (contenders.includes('kcat') && spawnSync('kcat', ['-V']).status !== 0) {
      skipped.kcat = "kcat not found: 'apt-get install -y kcat'";
    }
    if (contenders.some((c) => c.startsWith('goff'))) {
      go = buildGo();
      if (go.skip) {
        skipped.goff = go.skip;
        skipped['goff-mgr'] = go.skip;
      } else {
        goServer = new GoServer(go.binary, [
          '-n',
          String(options.n),
          '-manager-n',
          String(managerN),
          '-brokers',
          options.brokers,
        ]);
        goMeta = await goServer.next();
      }
    }
    const kcatInput =
      contenders.includes('kcat') && !skipped.kcat ? await writeKcatInput(options.n, work) : undefined;
    const client = await admin(options.brokers);
    const info = machine();
    console.log(
      `Kafka producers on one broker (Kafka 4.1, KRaft, ${PARTITIONS} partitions): ${options.n.toLocaleString('en-US')} events (${managerN.toLocaleString('en-US')} for goff-mgr), median of ${options.runs} runs, order rotating`,
    );
    console.log(
      `${info.nproc} x ${info.cpu}, Node ${info.node}, load ${info.load}, ${goMeta.module ?? ''} ${goMeta.go ?? ''}`,
    );
    const seconds = Object.fromEntries(contenders.map((c) => [c, []]));
    const live = contenders.filter((c) => !skipped[c]);
    for (let run = 0; run < options.runs; run++) {
      const order = live.map((_, i) => live[(i + run) % live.length]);
      for (const name of order) {
        const topic = `bench-${name}-${run}-${Date.now()}`;
        await client.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }], waitForLeaders: true });
        let s;
        if (name === 'kcat') s = runKcat(kcatInput, options.brokers, topic);
        else if (name === 'goff') s = (await goServer.run('export', topic)).seconds;
        else if (name === 'goff-mgr') s = (await goServer.run('manager', topic)).seconds;
        else s = runNodeChild(name, options, topic);
        const expected = name === 'goff-mgr' ? managerN : options.n;
        const landed = await recordsIn(client, topic);
        if (landed < expected) throw new Error(`${name}: ${landed} records landed, expected ${expected}`);
        await client.deleteTopics({ topics: [topic] });
        seconds[name].push(s);
        console.log(
          `  run ${run + 1} ${name}: ${s.toFixed(2)} s, ${Math.round(expected / s).toLocaleString('en-US')} events/s`,
        );
      }
    }
    await client.disconnect();

    const rate = (name) => {
      const events = name === 'goff-mgr' ? managerN : options.n;
      return seconds[name]?.length ? events / median(seconds[name]) : undefined;
    };
    const ratio = (a, b) => {
      // Per-run ratios (the contenders of one run saw the same load), then their median.
      if (!seconds[a]?.length || !seconds[b]?.length) return undefined;
      const na = a === 'goff-mgr' ? managerN : options.n;
      const nb = b === 'goff-mgr' ? managerN : options.n;
      return median(seconds[a].map((s, i) => na / s / (nb / seconds[b][i])));
    };
    console.log('');
    printTable(
      ['contender', 'events/s (median)', 'runs (s)', 'ours / it'],
      contenders.map((name) => [
        name,
        skipped[name] ? `skipped: ${skipped[name]}` : Math.round(rate(name)).toLocaleString('en-US'),
        (seconds[name] ?? []).map((s) => s.toFixed(2)).join(' '),
        name === 'ours' || skipped[name] ? '' : `${ratio('ours', name)?.toFixed(2)}x`,
      ]),
    );
    const rows = [
      ['raw', '≥ 1× the raw client', (r) => r >= 1],
      ['goff', '> 1× GO Feature Flag', (r) => r > 1],
      ['goff-mgr', '> 1× GO Feature Flag', (r) => r > 1],
      ['kafkajs', undefined, undefined],
      ['kcat', undefined, undefined],
    ]
      .filter(([name]) => seconds.ours?.length && seconds[name]?.length)
      .map(([name, goal, test]) => {
        const r = ratio('ours', name);
        return {
          scenario: `Kafka events/s vs ${name}`,
          unit: 'events/s',
          ours: { value: rate('ours'), label: 'DataExporter + KafkaExporter' },
          anchor: { value: rate(name), label: name },
          ratio: r,
          goal,
          met: test ? test(r) : undefined,
        };
      });
    saveResults('kafka', rows, {
      events: options.n,
      managerEvents: managerN,
      runs: options.runs,
      seconds,
      goff: goMeta,
    });
    console.log(JSON.stringify({ bench: 'kafka', events: options.n, seconds, rows }));
  } finally {
    await goServer?.close();
    if (broker) await stop(broker);
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
