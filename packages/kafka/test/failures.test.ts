import { DataExporter, type ExporterStats } from '@ff/exporter-core';
import { recordingLogger, sampleEvents, startFaultProxy } from '@ff/exporter-testkit';
import { beforeAll, describe, expect, it } from 'vitest';
import { usePeer } from '../../../test-services/peers.mjs';
import { KafkaExporter } from '../src/index.js';
import { createTopic, deleteTopic, readTopic } from './topic.js';

let brokers = '';
beforeAll(async () => {
  brokers = (await usePeer('kafka')).KAFKA_BROKERS as string;
});

const accounted = (s: ExporterStats) => s.exported + s.dropped + s.failed + s.pending;

describe('topic missing', () => {
  it('fails the batch with an error naming the topic, after a bounded number of attempts; close() keeps its deadline', async () => {
    const logger = recordingLogger();
    const data = new DataExporter({
      exporter: new KafkaExporter({ topic: 'ff-no-such-topic', addresses: [brokers] }),
      // Retries without waiting, so the bound shows as a count, not as elapsed time.
      retry: { maxAttempts: 50, initialDelayMs: 0, maxDelayMs: 0 },
      logger,
      exportAtExit: false,
    });
    for (const event of sampleEvents(10, { seed: 40 })) data.add(event);
    await data.flush({ timeoutMs: 10_000 });
    const stats = data.stats();
    expect(stats).toMatchObject({ received: 10, exported: 0, failed: 10, pending: 0 });
    expect(stats.retries).toBeLessThanOrEqual(2); // 3 attempts at most, not 50
    const failure = logger.entries.find((e) => e.level === 'error');
    expect(String((failure?.fields.err as Error)?.message)).toMatch(
      /topic 'ff-no-such-topic' does not exist .*create it/,
    );
    const started = Date.now();
    await data.close({ timeoutMs: 2_000 });
    expect(Date.now() - started).toBeLessThan(2_000 + 1_000);
  });
});

describe('broker unreachable at start', () => {
  it('add() never throws, memory stays within maxPendingEvents, drops are counted, close() resolves within its deadline', async () => {
    await using proxy = await startFaultProxy({ targetPort: Number(brokers.split(':')[1]) });
    await proxy.cut(); // connection refused, as a broker that is down
    const data = new DataExporter({
      exporter: new KafkaExporter({ topic: 'ff-unreachable', addresses: [proxy.address] }),
      maxEventsInMemory: 500,
      maxPendingEvents: 1_000,
      logger: recordingLogger(),
      exportAtExit: false,
    });
    const events = sampleEvents(5_000, { seed: 41 });
    for (let i = 0; i < events.length; i++) {
      expect(() => data.add(events[i] as never)).not.toThrow();
      if (i % 500 === 0) await new Promise((resolve) => setTimeout(resolve, 20)); // attempts run meanwhile
      expect(data.stats().pending).toBeLessThanOrEqual(1_000);
    }
    const before = data.stats();
    expect(before.dropped).toBeGreaterThanOrEqual(4_000);
    expect(accounted(before)).toBe(5_000);
    const started = Date.now();
    await data.close({ timeoutMs: 2_000 });
    // Core gives the exporter's own close() at least a second beyond the deadline.
    expect(Date.now() - started).toBeLessThan(2_000 + 1_500);
    const after = data.stats();
    expect(after).toMatchObject({ received: 5_000, exported: 0, pending: 0 });
    expect(after.failed + after.dropped).toBe(5_000);
  });

  it('an application that starts while its broker is down exports once the broker is back', async () => {
    const topic = `ff-late-broker-${process.pid}`;
    await createTopic(brokers, topic, { partitions: 1 });
    await using proxy = await startFaultProxy({ targetPort: Number(brokers.split(':')[1]) });
    await proxy.cut();
    const data = new DataExporter({
      exporter: new KafkaExporter({ topic, addresses: [proxy.address] }),
      retry: { maxAttempts: 100, initialDelayMs: 50, maxDelayMs: 200 },
      logger: recordingLogger(),
      exportAtExit: false,
    });
    try {
      const events = sampleEvents(100, { seed: 42 });
      for (const event of events) data.add(event);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(data.stats().exported).toBe(0);
      await proxy.heal();
      await data.flush({ timeoutMs: 15_000 });
      expect(data.stats()).toMatchObject({ exported: 100, failed: 0, pending: 0 });
      const keys = (await readTopic(brokers, topic)).map((r) => r.event.userKey);
      expect(keys).toEqual(events.map((e) => e.userKey));
    } finally {
      await data.close();
      await deleteTopic(brokers, topic);
    }
  });
});
