import { setTimeout as sleep } from 'node:timers/promises';
import { DataExporter, type ExportableEvent, ExportError, silentLogger } from '@ff/exporter-core';
import { exportContext, sampleEvents, startFaultProxy } from '@ff/exporter-testkit';
import { Partitioners } from 'kafkajs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { usePeer } from '../../../test-services/peers.mjs';
import {
  BATCH_ID_HEADER,
  BATCH_INDEX_HEADER,
  KafkaExporter,
  type KafkaExporterOptions,
} from '../src/index.js';
import { createTopic, deleteTopic, readTopic } from './topic.js';

let brokers = '';
let serial = 0;
const topics: string[] = [];

beforeAll(async () => {
  brokers = (await usePeer('kafka')).KAFKA_BROKERS as string;
});

afterEach(async () => {
  for (const topic of topics.splice(0)) await deleteTopic(brokers, topic);
});

async function newTopic(partitions = 3, configs: Record<string, number> = {}): Promise<string> {
  const topic = `ff-kafka-${process.pid}-${++serial}`;
  topics.push(topic);
  await createTopic(brokers, topic, { partitions, configs });
  return topic;
}

async function exportOnce(
  options: Omit<KafkaExporterOptions, 'addresses'>,
  events: readonly ExportableEvent[],
) {
  const exporter = new KafkaExporter({ addresses: [brokers], ...options });
  try {
    const context = exportContext();
    const result = await exporter.export(events, context);
    return { result, batchId: context.batchId, records: await readTopic(brokers, options.topic) };
  } finally {
    await exporter.close();
  }
}

/** The partition Java's (and kafkajs's) default partitioner picks for a key. */
function javaPartition(topic: string, key: string, partitions: number): number {
  const partitionMetadata = Array.from({ length: partitions }, (_, partitionId) => ({
    partitionId,
    leader: 1,
  }));
  return Partitioners.DefaultPartitioner()({
    topic,
    partitionMetadata,
    message: { key: Buffer.from(key), value: null },
  } as never);
}

describe('records', () => {
  it("one record per event: value is the event's JSON, key its userKey, on Java's partition for that key", async () => {
    const topic = await newTopic(3);
    const events = sampleEvents(60, { seed: 21 });
    const { records } = await exportOnce({ topic }, events);
    expect(records).toHaveLength(events.length);
    const byUser = new Map(records.map((r) => [r.event.userKey, r]));
    for (const event of events) {
      const record = byUser.get(event.userKey);
      expect(record?.key).toBe(event.userKey);
      expect(record?.partition).toBe(javaPartition(topic, event.userKey, 3));
    }
    expect(new Set(records.map((r) => r.partition)).size).toBe(3);
  });

  it('key: flagKey', async () => {
    const topic = await newTopic(3);
    const events = sampleEvents(20, { seed: 22 });
    const { records } = await exportOnce({ topic, key: 'flagKey' }, events);
    expect(records).toHaveLength(20);
    for (const record of records) expect(record.key).toBe(record.event.key);
  });

  it("key: 'none' sends keyless records, spread over the partitions", async () => {
    const topic = await newTopic(3);
    const { records } = await exportOnce({ topic, key: 'none' }, sampleEvents(30, { seed: 23 }));
    expect(records).toHaveLength(30);
    for (const record of records) expect(record.key).toBeNull();
    expect(new Set(records.map((r) => r.partition)).size).toBe(3);
  });

  it('key: a function of the event; undefined means no key; a throwing one rejects only its event', async () => {
    const topic = await newTopic(1);
    const events = sampleEvents(10, { seed: 24 });
    const { result, records } = await exportOnce(
      {
        topic,
        key: (event) => {
          if (event.userKey === events[3]?.userKey) throw new Error('no key for you');
          return event.userKey === events[5]?.userKey ? undefined : `${event.key}/${event.userKey}`;
        },
      },
      events,
    );
    expect(result).toEqual({ rejected: [3] });
    expect(records).toHaveLength(9);
    for (const record of records) {
      const expected =
        record.event.userKey === events[5]?.userKey ? null : `${record.event.key}/${record.event.userKey}`;
      expect(record.key).toBe(expected);
    }
  });

  it('headers ff-batch-id and ff-batch-index: the batch id and each event’s index in its batch', async () => {
    const topic = await newTopic(3);
    const events = sampleEvents(50, { seed: 25 });
    const { batchId, records } = await exportOnce({ topic, maxRequestBytes: 2_000 }, events);
    expect(records).toHaveLength(50);
    for (const record of records) {
      expect(record.headers[BATCH_ID_HEADER]).toBe(batchId);
      const index = Number(record.headers[BATCH_INDEX_HEADER]);
      expect(events[index]?.userKey).toBe(record.event.userKey);
    }
  });

  it('a batch larger than maxRequestBytes goes as several produce requests, all acknowledged', async () => {
    // The topic refuses record batches over 20 kB: one request for 400 events (~100 kB) would fail.
    const topic = await newTopic(1, { 'max.message.bytes': 20_000 });
    const events = sampleEvents(400, { seed: 26 });
    const { result, records } = await exportOnce({ topic, maxRequestBytes: 15_000 }, events);
    expect(result).toBeUndefined();
    expect(records.map((r) => r.event.userKey)).toEqual(events.map((e) => e.userKey));
  });

  it("a record over the topic's max.message.bytes is rejected (counted failed); the rest of its batch lands", async () => {
    const topic = await newTopic(1); // the broker's default limit, 1 MiB
    const events: ExportableEvent[] = sampleEvents(5, { seed: 27 });
    const big = { ...events[2], value: 'x'.repeat(1_200_000) } as ExportableEvent;
    events[2] = big;
    const data = new DataExporter({
      exporter: new KafkaExporter({ topic, addresses: [brokers] }),
      logger: silentLogger,
      exportAtExit: false,
    });
    for (const event of events) data.add(event);
    await data.close();
    expect(data.stats()).toMatchObject({ exported: 4, failed: 1, pending: 0 });
    const records = await readTopic(brokers, topic);
    expect(records.map((r) => r.event.userKey).sort()).toEqual(
      events
        .filter((e) => e !== big)
        .map((e) => e.userKey)
        .sort(),
    );
  });
});

describe('batching defaults', () => {
  it('a DataExporter without flushIntervalMs cuts batches every 100 ms (Kafka’s linger), no flush() needed', async () => {
    const topic = await newTopic(1);
    const exporter = new KafkaExporter({ topic, addresses: [brokers] });
    expect(exporter.batchingDefaults.flushIntervalMs).toBeLessThanOrEqual(100);
    const data = new DataExporter({ exporter, logger: silentLogger, exportAtExit: false });
    try {
      for (const event of sampleEvents(3, { seed: 28 })) data.add(event);
      // Under core's own default (60 s) nothing would be exported within these 5 s.
      for (let waited = 0; data.stats().exported < 3 && waited < 5_000; waited += 50) await sleep(50);
      expect(data.stats().exported).toBe(3);
      expect(await readTopic(brokers, topic)).toHaveLength(3);
    } finally {
      await data.close();
    }
  });

  it('a flushIntervalMs given to DataExporter wins over the exporter’s default', async () => {
    const topic = await newTopic(1);
    const data = new DataExporter({
      exporter: new KafkaExporter({ topic, addresses: [brokers] }),
      flushIntervalMs: 3_600_000,
      logger: silentLogger,
      exportAtExit: false,
    });
    for (const event of sampleEvents(3, { seed: 29 })) data.add(event);
    await sleep(1_000);
    expect(data.stats()).toMatchObject({ exported: 0, pending: 3 });
    await data.close();
    expect(data.stats()).toMatchObject({ exported: 3, pending: 0 });
  });
});

describe('connections', () => {
  it('opens no connection at construction; close() with nothing sent resolves without one', async () => {
    await using proxy = await startFaultProxy({ targetPort: Number(brokers.split(':')[1]) });
    const exporter = new KafkaExporter({ topic: 'never-used', addresses: [proxy.address] });
    await exporter.close();
    expect(proxy.connections.accepted).toBe(0);
  });

  it("settles soon after its attempt's signal aborts (a broker that answers nothing), and the next attempt works", async () => {
    const topic = await newTopic(1);
    const port = Number(brokers.split(':')[1]);
    await using proxy = await startFaultProxy({ targetPort: port });
    const exporter = new KafkaExporter({ topic, addresses: [proxy.address] });
    const events = sampleEvents(10, { seed: 30 });
    try {
      await proxy.blackhole();
      const controller = new AbortController();
      const attempt = exporter.export(
        events,
        exportContext({ signal: controller.signal, batchId: 'b-abort' }),
      );
      setTimeout(() => controller.abort(new ExportError('export timed out after 300 ms')), 300);
      const started = Date.now();
      const error = await attempt.then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(error).toBeInstanceOf(ExportError);
      expect((error as ExportError).retryable).toBe(true);
      expect((error as ExportError).message).toMatch(new RegExp(`Kafka topic '${topic}'.*timed out`));
      expect(Date.now() - started).toBeLessThan(5_000); // settled on the abort, not on a client timeout
      await proxy.heal();
      await exporter.export(events, exportContext({ batchId: 'b-abort', attempt: 2 }));
      const keys = (await readTopic(brokers, topic)).map((r) => r.event.userKey);
      // Everything landed; the aborted request may have landed too (a fresh producer cannot tell).
      expect(new Set(keys)).toEqual(new Set(events.map((e) => e.userKey)));
    } finally {
      await exporter.close();
    }
  });
});

describe('options', () => {
  it('invalid options throw at construction, naming the option', () => {
    const make = (options: unknown) => () => new KafkaExporter(options as KafkaExporterOptions);
    expect(make({ addresses: ['127.0.0.1:9092'] })).toThrow(/option topic/);
    expect(make({ topic: 'a b', addresses: ['127.0.0.1:9092'] })).toThrow(/option topic/);
    expect(make({ topic: 't', addresses: [] })).toThrow(/option addresses/);
    expect(make({ topic: 't', addresses: ['localhost'] })).toThrow(/option addresses .*'localhost'/);
    expect(make({ topic: 't', addresses: ['h:1'], key: 'email' })).toThrow(/option key/);
    expect(make({ topic: 't', addresses: ['h:1'], compression: 'brotli' })).toThrow(/option compression/);
    expect(make({ topic: 't', addresses: ['h:1'], maxRequestBytes: 0 })).toThrow(/option maxRequestBytes/);
    expect(make({ topic: 't', addresses: ['h:1'], topics: ['x'] })).toThrow(
      /KafkaExporter has no option topics \(did you mean topic\?\)/,
    );
  });

  it('a SASL option without its credentials throws without echoing any secret', () => {
    const make = () =>
      new KafkaExporter({
        topic: 't',
        addresses: ['h:1'],
        sasl: { mechanism: 'PLAIN', username: 'me', password: undefined as unknown as string },
      });
    expect(make).toThrow(/sasl: PLAIN needs a username and a password/);
  });
});
