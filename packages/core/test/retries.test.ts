import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_RETRY, ExportError } from '../src/index.js';
import { expectInvariant, featureEvent, makeDataExporter, RecordingExporter, sleep } from './helpers.js';

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

const alwaysFail = () =>
  new RecordingExporter({
    behaviour: () => {
      throw new Error('ECONNREFUSED');
    },
  });

/** Gaps between successive attempts of one batch. */
const gaps = (ats: number[]) => ats.slice(1).map((at, i) => at - ats[i]!);

describe('retry policy (DESIGN §4.4)', () => {
  it('defaults: bounded by time (5 min), 1 s initial backoff, 30 s ceiling, no count limit', () => {
    expect(DEFAULT_RETRY).toEqual({
      maxAttempts: Number.POSITIVE_INFINITY,
      initialDelayMs: 1_000,
      maxDelayMs: 30_000,
      maxElapsedMs: 300_000,
    });
  });

  it('backs off exponentially: the ceiling doubles per retry up to maxDelayMs', async () => {
    vi.useFakeTimers();
    vi.spyOn(Math, 'random').mockReturnValue(0.999_999);
    const exporter = alwaysFail();
    const de = makeDataExporter({
      exporter,
      retry: { maxAttempts: 6, initialDelayMs: 100, maxDelayMs: 1_000, maxElapsedMs: 100_000 },
    });
    de.add(featureEvent(0));
    void de.flush();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(exporter.calls).toHaveLength(6);
    // floor(0.999999 x ceiling): just under 100, 200, 400, 800, then capped at 1000.
    expect(gaps(exporter.calls.map((c) => c.at))).toEqual([99, 199, 399, 799, 999]);
    expect(de.stats()).toMatchObject({ failed: 1, retries: 5 });
  });

  it('jitters fully: a draw of 0 retries at once, so the delay is random * ceiling, not fixed', async () => {
    vi.useFakeTimers();
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const exporter = alwaysFail();
    const de = makeDataExporter({
      exporter,
      retry: { maxAttempts: 4, initialDelayMs: 100, maxDelayMs: 1_000 },
    });
    de.add(featureEvent(0));
    void de.flush();
    await vi.advanceTimersByTimeAsync(1);
    expect(exporter.calls).toHaveLength(4);
    expect(gaps(exporter.calls.map((c) => c.at))).toEqual([0, 0, 0]);
  });

  it('with real randomness, every delay stays under its ceiling and the delays vary', async () => {
    vi.useFakeTimers();
    const exporter = alwaysFail();
    const de = makeDataExporter({
      exporter,
      maxEventsInMemory: 1,
      maxPendingEvents: 100,
      retry: { maxAttempts: 5, initialDelayMs: 1_000, maxDelayMs: 4_000, maxElapsedMs: 1_000_000 },
    });
    for (let i = 0; i < 12; i++) de.add(featureEvent(i));
    void de.flush();
    await vi.advanceTimersByTimeAsync(12 * (1_000 + 2_000 + 4_000 + 4_000) + 10);
    expect(exporter.calls).toHaveLength(60);
    const byBatch = new Map<string, number[]>();
    for (const call of exporter.calls) {
      byBatch.set(call.context.batchId, [...(byBatch.get(call.context.batchId) ?? []), call.at]);
    }
    const all: number[] = [];
    for (const ats of byBatch.values()) {
      gaps(ats).forEach((gap, i) => {
        expect(gap).toBeGreaterThanOrEqual(0);
        expect(gap).toBeLessThan(Math.min(4_000, 1_000 * 2 ** i));
        all.push(gap);
      });
    }
    expect(all).toHaveLength(48);
    expect(new Set(all).size).toBeGreaterThan(10);
  });

  it('honours a Retry-After (ExportError.retryAfterMs) over a shorter backoff', async () => {
    vi.useFakeTimers();
    const exporter = new RecordingExporter({
      behaviour: (call) => {
        if (call.context.attempt === 1)
          throw new ExportError('429 Too Many Requests', { retryAfterMs: 5_000 });
      },
    });
    const de = makeDataExporter({ exporter, retry: { initialDelayMs: 10, maxDelayMs: 10 } });
    de.add(featureEvent(0));
    void de.flush();
    await vi.advanceTimersByTimeAsync(4_999);
    expect(exporter.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(exporter.calls).toHaveLength(2);
    expect(de.stats()).toMatchObject({ exported: 1, retries: 1 });
  });

  it('stops after maxAttempts', async () => {
    const exporter = alwaysFail();
    const de = makeDataExporter({ exporter, retry: { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 2 } });
    de.add(featureEvent(0));
    de.add(featureEvent(1));
    await de.flush();
    expect(exporter.calls.map((c) => c.context.attempt)).toEqual([1, 2, 3]);
    expect(de.stats()).toMatchObject({ received: 2, failed: 2, retries: 2, pending: 0 });
  });

  it('stops when the next retry would start after maxElapsedMs', async () => {
    vi.useFakeTimers();
    vi.spyOn(Math, 'random').mockReturnValue(0.999_999);
    const exporter = alwaysFail();
    const de = makeDataExporter({
      exporter,
      retry: { maxAttempts: 100, initialDelayMs: 100, maxDelayMs: 100, maxElapsedMs: 250 },
    });
    de.add(featureEvent(0));
    void de.flush();
    await vi.advanceTimersByTimeAsync(2_000);
    // Attempts at 0, 99, 198; the next would start at 297 > 250.
    expect(exporter.calls.map((c) => c.at - exporter.calls[0]!.at)).toEqual([0, 99, 198]);
    expect(de.stats()).toMatchObject({ failed: 1, retries: 2 });
  });

  it('keeps the batchId on every retry and increments attempt', async () => {
    const exporter = new RecordingExporter({
      behaviour: (call) => {
        if (call.context.attempt < 4) throw new Error('flaky');
      },
    });
    const de = makeDataExporter({ exporter });
    de.add(featureEvent(0));
    await de.flush();
    expect(exporter.calls.map((c) => c.context.attempt)).toEqual([1, 2, 3, 4]);
    expect(new Set(exporter.calls.map((c) => c.context.batchId)).size).toBe(1);
    expect(exporter.calls[0]!.context.batchId).toMatch(/\S/);
    // One signal per attempt.
    expect(new Set(exporter.calls.map((c) => c.context.signal)).size).toBe(4);
  });

  it('fails a batch at once on a non-retryable ExportError', async () => {
    const exporter = new RecordingExporter({
      behaviour: () => {
        throw new ExportError('403 Forbidden', { retryable: false, retryAfterMs: 1 });
      },
    });
    const de = makeDataExporter({ exporter });
    de.add(featureEvent(0));
    await de.flush();
    expect(exporter.calls).toHaveLength(1);
    expect(de.stats()).toMatchObject({ failed: 1, retries: 0 });
  });

  it.each([
    ['an Error', () => new Error('boom')],
    ['a TypeError', () => new TypeError('fetch failed')],
    ['a string', () => 'boom'],
    ['undefined', () => undefined],
    ['a plain object', () => ({ code: 'ECONNRESET' })],
  ])('treats %s thrown by an exporter as retryable', async (_, error) => {
    const exporter = new RecordingExporter({
      behaviour: (call) => {
        if (call.context.attempt === 1) throw error();
      },
    });
    const de = makeDataExporter({ exporter });
    de.add(featureEvent(0));
    await de.flush();
    expect(exporter.calls).toHaveLength(2);
    expect(de.stats()).toMatchObject({ exported: 1, failed: 0, retries: 1 });
  });

  it('partial success: retries only the undelivered indexes, counting the rest exported at once', async () => {
    let between: ReturnType<typeof de.stats> | undefined;
    const exporter = new RecordingExporter({
      behaviour: (call) => {
        if (call.context.attempt === 1) throw new ExportError('207 partial', { undelivered: [3, 1, 3] });
        between = de.stats();
      },
    });
    const de = makeDataExporter({ exporter });
    for (let i = 0; i < 5; i++) de.add(featureEvent(i));
    await de.flush();
    expect(exporter.calls[1]!.events.map((e) => e.key)).toEqual(['flag-1', 'flag-3']);
    expect(between).toMatchObject({ received: 5, exported: 3, pending: 2 });
    expect(de.stats()).toMatchObject({ exported: 5, failed: 0, pending: 0, retries: 1 });
    expect(exporter.calls[1]!.context.batchId).toBe(exporter.calls[0]!.context.batchId);
  });

  it('partial success with a non-retryable error: the rest counts exported, the undelivered failed', async () => {
    const exporter = new RecordingExporter({
      behaviour: () => {
        throw new ExportError('413 for one record', { retryable: false, undelivered: [2] });
      },
    });
    const de = makeDataExporter({ exporter });
    for (let i = 0; i < 4; i++) de.add(featureEvent(i));
    await de.flush();
    expect(exporter.calls).toHaveLength(1);
    expect(de.stats()).toMatchObject({ exported: 3, failed: 1, pending: 0 });
  });

  it('rejected indexes count as failed and are never retried', async () => {
    const exporter = new RecordingExporter({ behaviour: () => ({ rejected: [0, 2, 2, 7] }) });
    const de = makeDataExporter({ exporter });
    for (let i = 0; i < 4; i++) de.add(featureEvent(i));
    await de.flush();
    await sleep(10);
    expect(exporter.calls).toHaveLength(1);
    expect(de.stats()).toMatchObject({ exported: 2, failed: 2, retries: 0, pending: 0 });
    expectInvariant(de);
  });

  it('runs one export at a time per bulk exporter and never two attempts of one batch at once', async () => {
    const exporter = new RecordingExporter({
      behaviour: async (call) => {
        await sleep(1);
        if (call.context.attempt < 3) throw new Error('flaky');
      },
    });
    const de = makeDataExporter({ exporter, maxEventsInMemory: 2, maxPendingEvents: 100 });
    for (let i = 0; i < 20; i++) de.add(featureEvent(i));
    await de.flush();
    expect(exporter.calls).toHaveLength(30);
    expect(exporter.maxInFlight).toBe(1);
    expect(exporter.maxPerBatch).toBe(1);
  });

  it('delivers batches in order, a retried batch before any later one', async () => {
    const exporter = new RecordingExporter({
      behaviour: (call) => {
        if (call.events[0]!.key === 'flag-0' && call.context.attempt < 3) throw new Error('flaky');
      },
    });
    const de = makeDataExporter({ exporter, maxEventsInMemory: 2, maxPendingEvents: 100 });
    for (let i = 0; i < 8; i++) de.add(featureEvent(i));
    await de.flush();
    expect(exporter.delivered.map((e) => e.key)).toEqual(Array.from({ length: 8 }, (_, i) => `flag-${i}`));
    const batchOrder = exporter.calls.map((c) => c.events[0]!.key);
    expect(batchOrder).toEqual(['flag-0', 'flag-0', 'flag-0', 'flag-2', 'flag-4', 'flag-6']);
  });

  it('aborts an attempt at exportTimeoutMs and retries it', async () => {
    const exporter = new RecordingExporter({
      behaviour: (call) =>
        call.context.attempt === 1
          ? new Promise((_, reject) => {
              call.context.signal.addEventListener('abort', () => reject(call.context.signal.reason));
            })
          : undefined,
    });
    const de = makeDataExporter({ exporter, exportTimeoutMs: 20 });
    de.add(featureEvent(0));
    const started = Date.now();
    await de.flush();
    expect(Date.now() - started).toBeGreaterThanOrEqual(15);
    expect(exporter.calls).toHaveLength(2);
    expect(exporter.calls[0]!.context.signal.aborted).toBe(true);
    expect(exporter.calls[1]!.context.signal.aborted).toBe(false);
    expect(exporter.calls[0]!.context.deadline - exporter.calls[0]!.at).toBeLessThanOrEqual(20);
    expect(de.stats()).toMatchObject({ exported: 1, retries: 1 });
  });
});
