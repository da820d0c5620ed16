import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  deferred,
  expectInvariant,
  featureEvent,
  makeDataExporter,
  RecordingExporter,
  settlesWithin,
  sleep,
  tick,
  until,
} from './helpers.js';

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('batch triggers (DESIGN §4.1)', () => {
  it('cuts a batch when maxEventsInMemory events are buffered, and not before', async () => {
    const exporter = new RecordingExporter();
    const de = makeDataExporter({ exporter, maxEventsInMemory: 3 });
    de.add(featureEvent(0));
    de.add(featureEvent(1));
    await sleep(5);
    expect(exporter.calls).toHaveLength(0);
    de.add(featureEvent(2));
    await until(() => exporter.calls.length === 1);
    expect(exporter.calls[0]!.events.map((e) => e.key)).toEqual(['flag-0', 'flag-1', 'flag-2']);
    await de.close({ timeoutMs: 1_000 });
  });

  it('does not count in-flight batches toward maxEventsInMemory', async () => {
    const first = deferred<void>();
    const exporter = new RecordingExporter({
      behaviour: (call) => (call.index === 0 ? first.promise : undefined),
    });
    const de = makeDataExporter({ exporter, maxEventsInMemory: 3, maxPendingEvents: 100 });
    for (let i = 0; i < 3; i++) de.add(featureEvent(i));
    await until(() => exporter.calls.length === 1);
    // 3 in flight + 2 buffered = 5 >= 3, but only buffered events count: no cut yet.
    de.add(featureEvent(3));
    de.add(featureEvent(4));
    first.resolve();
    await sleep(20);
    expect(exporter.calls).toHaveLength(1);
    expect(de.stats().pending).toBe(2);
    de.add(featureEvent(5));
    await until(() => exporter.calls.length === 2);
    expect(exporter.calls[1]!.events.map((e) => e.key)).toEqual(['flag-3', 'flag-4', 'flag-5']);
    await de.close({ timeoutMs: 1_000 });
  });

  it('cuts a batch when flushIntervalMs has passed', async () => {
    vi.useFakeTimers();
    const exporter = new RecordingExporter();
    const de = makeDataExporter({ exporter, flushIntervalMs: 1_000, maxEventsInMemory: 100 });
    de.add(featureEvent(0));
    de.add(featureEvent(1));
    await vi.advanceTimersByTimeAsync(999);
    expect(exporter.calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(exporter.calls).toHaveLength(1);
    expect(exporter.calls[0]!.events).toHaveLength(2);
    // The interval keeps running: a later event goes out at the next tick.
    de.add(featureEvent(2));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(exporter.calls).toHaveLength(2);
    expect(exporter.calls[1]!.events.map((e) => e.key)).toEqual(['flag-2']);
    await de.close({ timeoutMs: 1_000 });
  });

  it('flush() cuts a batch and resolves only once it is exported', async () => {
    const release = deferred<void>();
    const exporter = new RecordingExporter({ behaviour: () => release.promise });
    const de = makeDataExporter({ exporter, maxEventsInMemory: 100 });
    de.add(featureEvent(0));
    de.add(featureEvent(1));
    const flushed = de.flush();
    expect(await settlesWithin(flushed, 20)).toBe(false);
    expect(exporter.calls).toHaveLength(1);
    expect(exporter.calls[0]!.events).toHaveLength(2);
    release.resolve();
    await flushed;
    expect(de.stats()).toMatchObject({ received: 2, exported: 2, pending: 0 });
    await de.close({ timeoutMs: 1_000 });
  });

  it('flush() with nothing held resolves at once', async () => {
    const exporter = new RecordingExporter();
    const de = makeDataExporter({ exporter });
    expect(await settlesWithin(de.flush(), 50)).toBe(true);
    expect(exporter.calls).toHaveLength(0);
    await de.close({ timeoutMs: 1_000 });
  });

  it('flush() waits only for events added before the call', async () => {
    const gates = [deferred<void>(), deferred<void>()];
    const exporter = new RecordingExporter({ behaviour: (call) => gates[call.index]?.promise });
    const de = makeDataExporter({ exporter, maxEventsInMemory: 100 });
    de.add(featureEvent(0));
    const first = de.flush();
    de.add(featureEvent(1));
    const second = de.flush();
    gates[0]!.resolve();
    await first;
    expect(await settlesWithin(second, 20)).toBe(false);
    gates[1]!.resolve();
    await second;
    expect(exporter.delivered.map((e) => e.key)).toEqual(['flag-0', 'flag-1']);
    await de.close({ timeoutMs: 1_000 });
  });

  it('flush() resolves (never rejects) when the batch fails', async () => {
    const exporter = new RecordingExporter({
      behaviour: () => {
        throw new Error('sink down');
      },
    });
    const de = makeDataExporter({ exporter, retry: { maxAttempts: 2, initialDelayMs: 1, maxDelayMs: 1 } });
    de.add(featureEvent(0));
    await expect(de.flush()).resolves.toBeUndefined();
    expect(de.stats()).toMatchObject({ received: 1, exported: 0, failed: 1, pending: 0 });
    expectInvariant(de);
    await de.close({ timeoutMs: 1_000 });
  });

  it('flush({ timeoutMs }) resolves at the timeout while the sink hangs', async () => {
    const exporter = new RecordingExporter({ behaviour: () => new Promise(() => {}) });
    const de = makeDataExporter({ exporter });
    de.add(featureEvent(0));
    const started = Date.now();
    await de.flush({ timeoutMs: 30 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    expect(de.stats().pending).toBe(1);
    await de.close({ timeoutMs: 10 });
  });

  it('flush({ timeoutMs }) leaves no timer behind once it resolves', async () => {
    vi.useFakeTimers();
    const exporter = new RecordingExporter();
    const de = makeDataExporter({ exporter });
    const before = vi.getTimerCount();
    de.add(featureEvent(0));
    await de.flush({ timeoutMs: 3_600_000 });
    // A forgotten one-hour timer would hold a short-lived process open for an hour.
    expect(vi.getTimerCount()).toBe(before);
    await de.close({ timeoutMs: 1_000 });
  });

  it('close() cuts the last batch and exports it', async () => {
    const exporter = new RecordingExporter();
    const de = makeDataExporter({ exporter, maxEventsInMemory: 100 });
    de.add(featureEvent(0));
    de.add(featureEvent(1));
    await tick();
    expect(exporter.calls).toHaveLength(0);
    await de.close({ timeoutMs: 1_000 });
    expect(exporter.calls).toHaveLength(1);
    expect(exporter.calls[0]!.events).toHaveLength(2);
    expect(de.stats()).toMatchObject({ received: 2, exported: 2, pending: 0 });
  });

  it('add() never exports inside the caller: export runs after add() returns', () => {
    const exporter = new RecordingExporter();
    const de = makeDataExporter({ exporter, maxEventsInMemory: 1 });
    de.add(featureEvent(0));
    expect(exporter.calls).toHaveLength(0);
    return de.close({ timeoutMs: 1_000 });
  });

  it('add() reads no clock and starts no timer per event', async () => {
    const exporter = new RecordingExporter();
    const de = makeDataExporter({ exporter, maxEventsInMemory: 10_000 });
    const now = vi.spyOn(Date, 'now');
    const timeout = vi.spyOn(globalThis, 'setTimeout');
    const microtask = vi.spyOn(globalThis, 'queueMicrotask');
    for (let i = 0; i < 1_000; i++) de.add(featureEvent(i));
    expect(now).not.toHaveBeenCalled();
    expect(timeout).not.toHaveBeenCalled();
    expect(microtask).not.toHaveBeenCalled();
    vi.restoreAllMocks();
    await de.close({ timeoutMs: 1_000 });
    expect(exporter.delivered).toHaveLength(1_000);
  });

  it('filters out events of the other eventType before counting them', async () => {
    const exporter = new RecordingExporter();
    const de = makeDataExporter({ exporter, eventType: 'tracking' });
    de.add(featureEvent(0));
    de.add({
      kind: 'tracking',
      contextKind: 'user',
      userKey: 'u',
      creationDate: 1,
      key: 'checkout',
      evaluationContext: {},
      trackingEventDetails: {},
    });
    await de.flush();
    expect(de.stats()).toMatchObject({ received: 1, exported: 1 });
    expect(exporter.delivered.map((e) => e.kind)).toEqual(['tracking']);
    await de.close({ timeoutMs: 1_000 });
  });
});
