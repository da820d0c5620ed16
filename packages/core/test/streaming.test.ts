import { describe, expect, it } from 'vitest';
import { ExportError } from '../src/index.js';
import {
  deferred,
  expectInvariant,
  featureEvent,
  makeDataExporter,
  RecordingExporter,
  settlesWithin,
  sleep,
  until,
} from './helpers.js';

describe('streaming exporters (isBulk() === false)', () => {
  it('get exactly one event per export() call, in order, without waiting for a flush', async () => {
    const exporter = new RecordingExporter({ bulk: false });
    const de = makeDataExporter({ exporter, flushIntervalMs: 3_600_000 });
    for (let i = 0; i < 5; i++) de.add(featureEvent(i));
    await until(() => exporter.delivered.length === 5);
    expect(exporter.calls).toHaveLength(5);
    for (const call of exporter.calls) expect(call.events).toHaveLength(1);
    expect(exporter.delivered.map((e) => e.key)).toEqual(['flag-0', 'flag-1', 'flag-2', 'flag-3', 'flag-4']);
    expect(new Set(exporter.calls.map((c) => c.context.batchId)).size).toBe(5);
    await de.close({ timeoutMs: 1_000 });
  });

  it('add() returns at once while the sink hangs; events queue under the bound, one export in flight', async () => {
    const gate = deferred<void>();
    const exporter = new RecordingExporter({ bulk: false, behaviour: () => gate.promise });
    const de = makeDataExporter({ exporter, maxEventsInMemory: 10, maxPendingEvents: 10 });
    const started = performance.now();
    for (let i = 0; i < 8; i++) de.add(featureEvent(i));
    expect(performance.now() - started).toBeLessThan(500);
    await sleep(10);
    expect(exporter.calls).toHaveLength(1);
    expect(exporter.maxInFlight).toBe(1);
    expect(de.stats()).toMatchObject({ received: 8, pending: 8, dropped: 0 });
    gate.resolve();
    await de.flush();
    expect(exporter.delivered.map((e) => e.key)).toEqual(Array.from({ length: 8 }, (_, i) => `flag-${i}`));
    expect(exporter.maxInFlight).toBe(1);
    await de.close({ timeoutMs: 1_000 });
  });

  it('streamConcurrency allows that many exports at once, never more', async () => {
    const gate = deferred<void>();
    const exporter = new RecordingExporter({ bulk: false, behaviour: () => gate.promise });
    const de = makeDataExporter({ exporter, streamConcurrency: 3 });
    for (let i = 0; i < 10; i++) de.add(featureEvent(i));
    await until(() => exporter.calls.length === 3);
    await sleep(10);
    expect(exporter.calls).toHaveLength(3);
    gate.resolve();
    await de.flush();
    expect(exporter.maxInFlight).toBe(3);
    expect(exporter.delivered).toHaveLength(10);
    await de.close({ timeoutMs: 1_000 });
  });

  it('holds at most maxPendingEvents, queued and in flight, and drops the newest', async () => {
    const gate = deferred<void>();
    const exporter = new RecordingExporter({ bulk: false, behaviour: () => gate.promise });
    const de = makeDataExporter({ exporter, maxEventsInMemory: 5, maxPendingEvents: 5 });
    for (let i = 0; i < 100; i++) {
      de.add(featureEvent(i));
      expect(de.stats().pending).toBeLessThanOrEqual(5);
    }
    expect(de.stats()).toMatchObject({ received: 100, pending: 5, dropped: 95 });
    gate.resolve();
    await de.flush();
    expect(exporter.delivered.map((e) => e.key)).toEqual(['flag-0', 'flag-1', 'flag-2', 'flag-3', 'flag-4']);
    expectInvariant(de);
    await de.close({ timeoutMs: 1_000 });
  });

  it('retries a streamed event under its own batch id, keeping later events behind it', async () => {
    const exporter = new RecordingExporter({
      bulk: false,
      behaviour: (call) => {
        if (call.events[0]!.key === 'flag-0' && call.context.attempt < 3) throw new ExportError('busy');
      },
    });
    const de = makeDataExporter({ exporter });
    de.add(featureEvent(0));
    de.add(featureEvent(1));
    await de.flush();
    const first = exporter.calls.filter((c) => c.events[0]!.key === 'flag-0');
    expect(first.map((c) => c.context.attempt)).toEqual([1, 2, 3]);
    expect(new Set(first.map((c) => c.context.batchId)).size).toBe(1);
    expect(exporter.delivered.map((e) => e.key)).toEqual(['flag-0', 'flag-1']);
    expect(de.stats()).toMatchObject({ exported: 2, retries: 2 });
    await de.close({ timeoutMs: 1_000 });
  });

  it('never runs two attempts of one event at once, even with streamConcurrency > 1', async () => {
    const exporter = new RecordingExporter({
      bulk: false,
      behaviour: async (call) => {
        await sleep(1);
        if (call.context.attempt < 3) throw new Error('flaky');
      },
    });
    const de = makeDataExporter({ exporter, streamConcurrency: 4 });
    for (let i = 0; i < 12; i++) de.add(featureEvent(i));
    await de.flush();
    expect(exporter.maxPerBatch).toBe(1);
    expect(exporter.maxInFlight).toBeLessThanOrEqual(4);
    expect(de.stats()).toMatchObject({ received: 12, exported: 12, failed: 0 });
    await de.close({ timeoutMs: 1_000 });
  });

  it('close() delivers what is queued and counts what is unfinished at the deadline as failed', async () => {
    const exporter = new RecordingExporter({ bulk: false, behaviour: () => new Promise(() => {}) });
    const de = makeDataExporter({ exporter });
    for (let i = 0; i < 4; i++) de.add(featureEvent(i));
    expect(await settlesWithin(de.close({ timeoutMs: 30 }), 1_000)).toBe(true);
    expect(de.stats()).toMatchObject({ received: 4, exported: 0, failed: 4, pending: 0 });
    expect(exporter.closeCalls).toBe(1);
  });
});
