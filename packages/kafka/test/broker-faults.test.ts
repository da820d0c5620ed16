// Faults of the broker itself, on a private broker this file starts (and kills): a slow network
// that makes attempts time out part-way through a batch, and a SIGKILL mid-stream with a restart on
// the same ports and data. The broker advertises the fault proxy's port, so every connection of the
// exporter goes through the proxy.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataExporter, diagnostics, type ExportableEvent } from '@ff/exporter-core';
import { type FaultProxy, recordingLogger, sampleEvents, startFaultProxy } from '@ff/exporter-testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crash, restart, type StartedBroker, start, stop } from '../../../test-services/kafka/index.mjs';
import { freePort } from '../../../test-services/lib.mjs';
import { BATCH_ID_HEADER, BATCH_INDEX_HEADER, KafkaExporter } from '../src/index.js';
import { createTopic, type ReadRecord, readTopic } from './topic.js';

let dir = '';
let proxy: FaultProxy;
let broker: StartedBroker;
let brokers = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ff-kafka-private-'));
  const port = await freePort();
  proxy = await startFaultProxy({ targetPort: port });
  broker = await start({
    logFile: join(dir, 'kafka.log'),
    dataDir: join(dir, 'data'),
    port,
    advertisedPort: proxy.port,
  });
  brokers = broker.env.KAFKA_BROKERS;
}, 120_000);

afterAll(async () => {
  if (broker) await stop(broker);
  await proxy?.close();
  await rm(dir, { recursive: true, force: true });
});

/** Records by (batch id, index), the way the README tells consumers to drop duplicates. */
function dedupe(records: readonly ReadRecord[]): { unique: Map<string, ReadRecord>; duplicates: number } {
  const unique = new Map<string, ReadRecord>();
  let duplicates = 0;
  for (const record of records) {
    const id = `${record.headers[BATCH_ID_HEADER]}/${record.headers[BATCH_INDEX_HEADER]}`;
    const seen = unique.get(id);
    if (seen) {
      expect(seen.value).toBe(record.value); // a duplicate is the same event, never another one
      duplicates++;
    } else unique.set(id, record);
  }
  return { unique, duplicates };
}

describe('attempts that time out part-way through a batch', () => {
  it('only the undelivered part is retried, and every record keeps its index in the batch as first cut', async () => {
    const topic = 'ff-partial';
    await createTopic(brokers, topic, { partitions: 1 });
    const events = sampleEvents(200, { seed: 50 });
    const exported: number[] = [];
    const onExported = (message: unknown) => exported.push((message as { events: number }).events);
    diagnostics.exported.subscribe(onExported);
    // ~10 records per produce request, each request >= 200 ms through the slowed proxy: an attempt
    // of 1 s gets a few requests acknowledged, then times out.
    await proxy.delay(100);
    const data = new DataExporter({
      exporter: new KafkaExporter({ topic, addresses: [brokers], maxRequestBytes: 3_000 }),
      maxEventsInMemory: events.length,
      exportTimeoutMs: 1_000,
      retry: { maxAttempts: 50, initialDelayMs: 0, maxDelayMs: 0 },
      logger: recordingLogger(),
      exportAtExit: false,
    });
    try {
      for (const event of events) data.add(event);
      await data.flush({ timeoutMs: 60_000 });
    } finally {
      await proxy.heal();
      diagnostics.exported.unsubscribe(onExported);
      await data.close();
    }
    expect(data.stats()).toMatchObject({ exported: 200, failed: 0, pending: 0 });
    expect(data.stats().retries).toBeGreaterThan(0);
    expect(exported.length).toBeGreaterThan(1); // partial successes, then the rest

    const records = await readTopic(brokers, topic);
    const { unique } = dedupe(records);
    expect(new Set(records.map((r) => r.headers[BATCH_ID_HEADER])).size).toBe(1);
    expect(unique.size).toBe(200);
    for (const record of unique.values()) {
      const index = Number(record.headers[BATCH_INDEX_HEADER]);
      expect(record.event.userKey).toBe(events[index]?.userKey);
    }
  }, 90_000);
});

describe('the broker SIGKILLed mid-stream and restarted on the same ports and data', () => {
  it('loses no event; duplicates, if any, carry the same batch id and index', async () => {
    const topic = 'ff-crash';
    await createTopic(brokers, topic, { partitions: 3 });
    const events: ExportableEvent[] = sampleEvents(30_000, { seed: 51 });
    const logger = recordingLogger();
    const data = new DataExporter({
      exporter: new KafkaExporter({ topic, addresses: [brokers] }),
      // The outage lasts as long as a JVM restart (~5-10 s here): ride it out.
      retry: { maxAttempts: 1_000, initialDelayMs: 100, maxDelayMs: 1_000 },
      logger,
      exportAtExit: false,
    });
    let restarted: Promise<StartedBroker> | undefined;
    try {
      for (let i = 0; i < events.length; i++) {
        data.add(events[i] as ExportableEvent);
        if (i % 100 === 99) await sleep(10); // ~10,000 events/s, in batches cut every 100 ms
        if (i === 10_000) {
          await crash(broker);
          restarted = restart(broker);
        }
      }
      broker = await (restarted as Promise<StartedBroker>);
      await data.flush({ timeoutMs: 90_000 });
    } finally {
      await data.close();
    }
    expect(data.stats()).toMatchObject({
      received: 30_000,
      exported: 30_000,
      dropped: 0,
      failed: 0,
      pending: 0,
    });
    expect(data.stats().retries).toBeGreaterThan(0); // the crash was felt

    const records = await readTopic(brokers, topic);
    const { unique, duplicates } = dedupe(records);
    expect(unique.size).toBe(30_000);
    expect(new Set([...unique.values()].map((r) => r.event.userKey))).toEqual(
      new Set(events.map((e) => e.userKey)),
    );
    console.log(
      `broker crash: ${records.length} records for 30000 events, ${duplicates} duplicates, ${data.stats().retries} retries`,
    );
  }, 150_000);
});
