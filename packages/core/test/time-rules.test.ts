// DESIGN §4.4 and §4.6, as sharpened by issue 6: retries bounded by elapsed time, close() retrying
// until its deadline, and per-call timeouts that mean what they say.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ExportError } from '../src/index.js';
import {
  deferred,
  expectInvariant,
  featureEvent,
  makeDataExporter,
  RecordingExporter,
  recordingLogger,
  settlesWithin,
  sleep,
  until,
} from './helpers.js';

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** Fails fast (as a refused connection does) until `upAt` (Date.now()), then delivers. */
function downUntil(upAt: () => number) {
  return new RecordingExporter({
    behaviour: () => {
      if (Date.now() < upAt()) throw new Error('ECONNREFUSED');
    },
  });
}

describe('the default retry policy rides out minutes of outage', () => {
  it('a sink that fails fast for 16 s, then for 4 minutes, still gets its batch', async () => {
    vi.useFakeTimers();
    for (const outageMs of [16_000, 240_000]) {
      const start = Date.now();
      const exporter = downUntil(() => start + outageMs);
      // The default policy, not the test helper's fast one.
      const de = makeDataExporter({ exporter, retry: {} });
      de.add(featureEvent(0));
      void de.flush();
      await vi.advanceTimersByTimeAsync(outageMs + 60_000);
      expect(de.stats(), `outage of ${outageMs} ms`).toMatchObject({ exported: 1, failed: 0, pending: 0 });
      expect(exporter.calls.length).toBeGreaterThan(5);
      // Backoff is capped at maxDelayMs (30 s): no gap is longer.
      const gaps = exporter.calls.slice(1).map((c, i) => c.at - exporter.calls[i]!.at);
      expect(Math.max(...gaps)).toBeLessThanOrEqual(30_000);
      await de.close({ timeoutMs: 0 });
    }
  });

  it('gives up once maxElapsedMs (default 5 min) would be passed, not after a count', async () => {
    vi.useFakeTimers();
    const exporter = downUntil(() => Number.POSITIVE_INFINITY);
    const de = makeDataExporter({ exporter, retry: {} });
    de.add(featureEvent(0));
    void de.flush();
    // A retry waits at most 30 s, so none can be refused for passing 5 minutes before 270 s.
    await vi.advanceTimersByTimeAsync(265_000);
    expect(de.stats()).toMatchObject({ failed: 0, pending: 1 });
    await vi.advanceTimersByTimeAsync(65_000);
    expect(de.stats()).toMatchObject({ failed: 1, pending: 0 });
    const last = exporter.calls.at(-1)!.at - exporter.calls[0]!.at;
    expect(last).toBeLessThanOrEqual(300_000);
    await de.close({ timeoutMs: 0 });
  });

  it('later batches wait in order behind a retrying one; maxPendingEvents alone protects memory', async () => {
    vi.useFakeTimers();
    const start = Date.now();
    const exporter = downUntil(() => start + 60_000);
    const de = makeDataExporter({ exporter, retry: {}, maxEventsInMemory: 10, maxPendingEvents: 30 });
    for (let i = 0; i < 50; i++) de.add(featureEvent(i));
    await vi.advanceTimersByTimeAsync(0);
    expect(de.stats()).toMatchObject({ received: 50, dropped: 20, pending: 30 });
    await vi.advanceTimersByTimeAsync(120_000);
    expect(de.stats()).toMatchObject({ exported: 30, dropped: 20, failed: 0, pending: 0 });
    // Delivered in the order they were added.
    expect(exporter.delivered.map((e) => e.key)).toEqual(Array.from({ length: 30 }, (_, i) => `flag-${i}`));
    expectInvariant(de);
    await de.close({ timeoutMs: 0 });
  });

  it('`retry: { maxAttempts: undefined }` keeps the default, as undefined does at the top level', async () => {
    vi.useFakeTimers();
    const start = Date.now();
    const exporter = downUntil(() => start + 16_000);
    const de = makeDataExporter({ exporter, retry: { maxAttempts: undefined, initialDelayMs: undefined } });
    de.add(featureEvent(0));
    void de.flush();
    await vi.advanceTimersByTimeAsync(80_000);
    expect(de.stats()).toMatchObject({ exported: 1, failed: 0 });
    await de.close({ timeoutMs: 0 });
  });

  it('a NaN or negative retryAfterMs does not skip the backoff', async () => {
    vi.useFakeTimers();
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    for (const retryAfterMs of [Number.NaN, -5, Number.POSITIVE_INFINITY]) {
      const exporter = new RecordingExporter({
        behaviour: (call) => {
          if (call.context.attempt < 3) throw new ExportError('busy', { retryAfterMs });
        },
      });
      const de = makeDataExporter({ exporter, retry: { initialDelayMs: 1_000, maxDelayMs: 10_000 } });
      de.add(featureEvent(0));
      void de.flush();
      await vi.advanceTimersByTimeAsync(10_000);
      expect(exporter.calls).toHaveLength(3);
      // Half of each ceiling: 500 ms, then 1000 ms, as without any Retry-After.
      expect(exporter.calls[1]!.at - exporter.calls[0]!.at, String(retryAfterMs)).toBe(500);
      expect(exporter.calls[2]!.at - exporter.calls[1]!.at).toBe(1_000);
      await de.close({ timeoutMs: 0 });
    }
  });
});

describe('close() keeps retrying until its deadline', () => {
  it('a 500 ms Retry-After during close is honoured: 10/10 delivered, not failed', async () => {
    const exporter = new RecordingExporter({
      behaviour: (call) => {
        if (call.context.attempt === 1) throw new ExportError('429', { retryAfterMs: 500 });
      },
    });
    const de = makeDataExporter({ exporter, maxEventsInMemory: 100 });
    for (let i = 0; i < 10; i++) de.add(featureEvent(i));
    await de.close({ timeoutMs: 5_000 });
    expect(exporter.calls).toHaveLength(2);
    expect(exporter.calls[1]!.at - exporter.calls[0]!.at).toBeGreaterThanOrEqual(495);
    expect(de.stats()).toMatchObject({ received: 10, exported: 10, failed: 0 });
  });

  it('a Retry-After past the deadline is not waited out: one last attempt, then failed', async () => {
    const exporter = new RecordingExporter({
      behaviour: () => {
        throw new ExportError('429', { retryAfterMs: 60_000 });
      },
    });
    const de = makeDataExporter({ exporter });
    de.add(featureEvent(0));
    const started = Date.now();
    await de.close({ timeoutMs: 2_000 });
    expect(Date.now() - started).toBeLessThan(500);
    expect(exporter.calls).toHaveLength(2);
    expect(de.stats()).toMatchObject({ exported: 0, failed: 1, pending: 0 });
  });
});

describe('per-call timeouts', () => {
  it('close({ timeoutMs: Infinity }) and flush({ timeoutMs: Infinity }) mean no limit', async () => {
    const gate = deferred<void>();
    const exporter = new RecordingExporter({ behaviour: () => gate.promise });
    const de = makeDataExporter({ exporter });
    de.add(featureEvent(0));
    const flushed = de.flush({ timeoutMs: Number.POSITIVE_INFINITY });
    const closed = de.close({ timeoutMs: Number.POSITIVE_INFINITY });
    expect(await settlesWithin(Promise.race([flushed, closed]), 200)).toBe(false);
    gate.resolve();
    await closed;
    await flushed;
    expect(de.stats()).toMatchObject({ exported: 1, failed: 0 });
  });

  it('a negative, NaN or non-number timeoutMs is an error naming the argument', () => {
    const de = makeDataExporter({ exporter: new RecordingExporter() });
    for (const timeoutMs of [-1, Number.NaN, '100', null, {}] as unknown as number[]) {
      expect(() => de.flush({ timeoutMs }), String(timeoutMs)).toThrow(/flush\(\{ timeoutMs \}\)/);
      expect(() => de.close({ timeoutMs }), String(timeoutMs)).toThrow(/close\(\{ timeoutMs \}\)/);
    }
    expect(() => de.flush(5 as never)).toThrow(/options object/);
    void de.close({ timeoutMs: 0 });
  });

  it('a second close() with a shorter timeoutMs shortens the deadline', async () => {
    const exporter = new RecordingExporter({ behaviour: () => new Promise(() => {}) });
    const de = makeDataExporter({ exporter });
    de.add(featureEvent(0));
    const started = Date.now();
    const first = de.close({ timeoutMs: 60_000 });
    await sleep(20);
    const second = de.close({ timeoutMs: 100 });
    expect(second).toBe(first);
    await second;
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(115);
    expect(took).toBeLessThan(400);
    expect(exporter.calls[0]!.context.signal.aborted).toBe(true);
    expect(de.stats()).toMatchObject({ failed: 1, pending: 0 });
  });

  it('close() never overruns its deadline by more than a few ms, whatever the exporter does', async () => {
    const exporter = new RecordingExporter({ behaviour: () => new Promise(() => {}) });
    exporter.close = () => new Promise<void>(() => {});
    const logger = recordingLogger();
    const de = makeDataExporter({ exporter, logger });
    de.add(featureEvent(0));
    const started = Date.now();
    await de.close({ timeoutMs: 300 });
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(295);
    expect(took).toBeLessThan(340);
    expect(de.stats()).toMatchObject({ failed: 1, pending: 0 });
  });

  it('an attempt that ignores its signal blocks only until the close deadline', async () => {
    const exporter = new RecordingExporter({ behaviour: () => new Promise(() => {}) });
    const de = makeDataExporter({ exporter, exportTimeoutMs: 50, maxEventsInMemory: 1, maxPendingEvents: 5 });
    for (let i = 0; i < 5; i++) de.add(featureEvent(i));
    await sleep(200);
    // Timed out long ago, but never two attempts at once: the first is still awaited.
    expect(exporter.calls).toHaveLength(1);
    expect(exporter.calls[0]!.context.signal.aborted).toBe(true);
    await de.close({ timeoutMs: 100 });
    expect(de.stats()).toMatchObject({ received: 5, failed: 5, pending: 0 });
  });
});

describe('no timer of core holds the process', () => {
  const timers = () => process.getActiveResourcesInfo().filter((type) => type === 'Timeout').length;

  it('backoff sleeps, export timeouts and flush timeouts are unref’d', async () => {
    const exporter = new RecordingExporter({
      behaviour: () => {
        throw new ExportError('429', { retryAfterMs: 60_000 });
      },
    });
    const de = makeDataExporter({ exporter });
    const before = timers();
    de.add(featureEvent(0));
    void de.flush({ timeoutMs: 120_000 });
    await until(() => de.stats().retries === 1);
    // getActiveResourcesInfo lists only handles that keep the loop alive.
    expect(timers()).toBe(before);
    await de.close({ timeoutMs: 0 });
    await until(() => timers() === before);
  });
});
