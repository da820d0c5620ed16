import { afterEach, describe, expect, it, vi } from 'vitest';
import { DataExporter, ExportError } from '../src/index.js';
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

/** Fails the first attempt of every batch, succeeds after; with a long backoff unless told otherwise. */
function failsOnce(error: () => unknown = () => new Error('ECONNRESET')) {
  return new RecordingExporter({
    behaviour: (call) => {
      if (call.context.attempt === 1) throw error();
    },
  });
}

const slowRetry = { initialDelayMs: 60_000, maxDelayMs: 60_000 };

describe('close() (DESIGN §4.6)', () => {
  it('stops accepting at once: events added after close() are dropped', async () => {
    const exporter = new RecordingExporter();
    const de = makeDataExporter({ exporter });
    de.add(featureEvent(0));
    const closing = de.close({ timeoutMs: 1_000 });
    de.add(featureEvent(1));
    await closing;
    de.add(featureEvent(2));
    expect(de.stats()).toMatchObject({ received: 3, exported: 1, dropped: 2, pending: 0 });
    expect(exporter.delivered.map((e) => e.key)).toEqual(['flag-0']);
  });

  it('warns once, not per event, about events added after close()', async () => {
    const logger = recordingLogger();
    const de = makeDataExporter({ exporter: new RecordingExporter(), logger });
    await de.close({ timeoutMs: 1_000 });
    for (let i = 0; i < 1_000; i++) de.add(featureEvent(i));
    expect(de.stats()).toMatchObject({ received: 1_000, dropped: 1_000 });
    expect(logger.at('warn').map((e) => e.message)).toEqual([
      'add() after close(): the events are dropped and counted',
    ]);
  });

  it('does not wait for an exporter whose close() hangs past the deadline: it shares that deadline', async () => {
    const logger = recordingLogger();
    const exporter = new RecordingExporter();
    exporter.close = () => new Promise<void>(() => {});
    const de = makeDataExporter({ exporter, logger });
    de.add(featureEvent(0));
    const started = Date.now();
    await de.close({ timeoutMs: 200 });
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(195);
    expect(took).toBeLessThan(260);
    expect(de.stats()).toMatchObject({ exported: 1, pending: 0 });
    expect(logger.at('warn').map((e) => e.message)).toContain(
      'exporter close did not finish by the close deadline',
    );
  });

  it('cuts the last batch, exports it, then closes the exporter', async () => {
    const order: string[] = [];
    const exporter = new RecordingExporter({ behaviour: () => void order.push('export') });
    exporter.close = async () => {
      order.push('close');
    };
    const de = makeDataExporter({ exporter, maxEventsInMemory: 100 });
    de.add(featureEvent(0));
    de.add(featureEvent(1));
    await de.close({ timeoutMs: 1_000 });
    expect(order).toEqual(['export', 'close']);
    expect(de.stats()).toMatchObject({ exported: 2, pending: 0 });
  });

  it('cuts a backoff short and makes one last attempt', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.999);
    const exporter = failsOnce();
    const de = makeDataExporter({ exporter, retry: slowRetry });
    de.add(featureEvent(0));
    void de.flush();
    await until(() => de.stats().retries === 1); // now sleeping ~60 s
    const started = Date.now();
    await de.close({ timeoutMs: 5_000 });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(exporter.calls.map((c) => c.context.attempt)).toEqual([1, 2]);
    // The last attempt must be over by the close deadline, not by the 30 s export timeout.
    expect(exporter.calls[1]!.context.deadline).toBeLessThanOrEqual(started + 5_000 + 5);
    expect(de.stats()).toMatchObject({ exported: 1, failed: 0, pending: 0 });
  });

  it('keeps retrying transient failures with short backoff until the deadline, then counts them failed', async () => {
    const exporter = new RecordingExporter({
      behaviour: () => {
        throw new Error('still down');
      },
    });
    const de = makeDataExporter({ exporter, retry: slowRetry });
    de.add(featureEvent(0));
    void de.flush();
    await until(() => de.stats().retries === 1);
    const started = Date.now();
    await de.close({ timeoutMs: 1_500 });
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(1_450);
    expect(took).toBeLessThan(1_600);
    // A 60 s backoff cut short, then retries at most 1 s apart: more than one attempt while closing.
    expect(exporter.calls.length).toBeGreaterThanOrEqual(3);
    const closingGaps = exporter.calls.slice(2).map((c, i) => c.at - exporter.calls[i + 1]!.at);
    for (const gap of closingGaps) expect(gap).toBeLessThanOrEqual(1_050);
    expect(de.stats()).toMatchObject({ exported: 0, failed: 1, pending: 0 });
  });

  it('honours a Retry-After that ends before the deadline, then delivers', async () => {
    const gate = deferred<void>();
    const exporter = new RecordingExporter({
      behaviour: async (call) => {
        if (call.context.attempt > 1) return;
        await gate.promise;
        throw new ExportError('429', { retryAfterMs: 500 });
      },
    });
    const de = makeDataExporter({ exporter });
    for (let i = 0; i < 10; i++) de.add(featureEvent(i));
    void de.flush();
    await until(() => exporter.calls.length === 1);
    const closing = de.close({ timeoutMs: 5_000 });
    gate.resolve();
    await closing;
    expect(exporter.calls).toHaveLength(2);
    expect(exporter.calls[1]!.at - exporter.calls[0]!.at).toBeGreaterThanOrEqual(495);
    expect(de.stats()).toMatchObject({ exported: 10, failed: 0, pending: 0 });
  });

  it('does not wait out a long Retry-After received before close()', async () => {
    const exporter = failsOnce(() => new ExportError('503', { retryAfterMs: 120_000 }));
    const de = makeDataExporter({ exporter });
    de.add(featureEvent(0));
    void de.flush();
    await until(() => de.stats().retries === 1);
    expect(await settlesWithin(de.close({ timeoutMs: 5_000 }), 1_000)).toBe(true);
    expect(exporter.calls).toHaveLength(2);
    expect(de.stats()).toMatchObject({ exported: 1, failed: 0 });
  });

  it('makes the last attempt even when a Retry-After past maxElapsedMs arrives during close()', async () => {
    const gate = deferred<void>();
    const exporter = new RecordingExporter({
      behaviour: async (call) => {
        if (call.context.attempt > 1) return;
        await gate.promise;
        throw new ExportError('429', { retryAfterMs: 3_600_000 });
      },
    });
    const de = makeDataExporter({ exporter });
    de.add(featureEvent(0));
    void de.flush();
    await until(() => exporter.calls.length === 1);
    const closing = de.close({ timeoutMs: 5_000 });
    gate.resolve();
    expect(await settlesWithin(closing, 1_000)).toBe(true);
    expect(exporter.calls).toHaveLength(2);
    expect(de.stats()).toMatchObject({ exported: 1, failed: 0 });
  });

  it('retries every queued batch in order within the time left', async () => {
    const random = vi.spyOn(Math, 'random').mockReturnValue(0.999);
    const exporter = failsOnce();
    const de = makeDataExporter({ exporter, maxEventsInMemory: 2, maxPendingEvents: 10, retry: slowRetry });
    for (let i = 0; i < 6; i++) de.add(featureEvent(i));
    await until(() => de.stats().retries === 1);
    random.mockReturnValue(0.01);
    expect(await settlesWithin(de.close({ timeoutMs: 5_000 }), 1_000)).toBe(true);
    // Batch 1's 60 s backoff is cut short; batches 2 and 3 fail once each and are retried too.
    expect(exporter.calls.map((c) => [c.events[0]!.key, c.context.attempt])).toEqual([
      ['flag-0', 1],
      ['flag-0', 2],
      ['flag-2', 1],
      ['flag-2', 2],
      ['flag-4', 1],
      ['flag-4', 2],
    ]);
    expect(de.stats()).toMatchObject({ received: 6, exported: 6, failed: 0, pending: 0 });
  });

  it('counts what is unfinished at the deadline as failed, aborts the attempt, and still closes the exporter', async () => {
    const exporter = new RecordingExporter({ behaviour: () => new Promise(() => {}) }); // ignores its signal
    const logger = recordingLogger();
    const de = makeDataExporter({ exporter, logger, maxEventsInMemory: 3, maxPendingEvents: 10 });
    for (let i = 0; i < 5; i++) de.add(featureEvent(i));
    await until(() => exporter.calls.length === 1);
    const started = Date.now();
    await de.close({ timeoutMs: 40 });
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(35);
    expect(took).toBeLessThan(1_000);
    expect(exporter.calls[0]!.context.signal.aborted).toBe(true);
    expect(exporter.closeCalls).toBe(1);
    expect(de.stats()).toMatchObject({ received: 5, exported: 0, failed: 5, pending: 0 });
    expect(logger.at('error').some((e) => e.fields.events === 5)).toBe(true);
    expectInvariant(de);
  });

  it('uses closeTimeoutMs when close() gets no timeout', async () => {
    const exporter = new RecordingExporter({ behaviour: () => new Promise(() => {}) });
    const de = makeDataExporter({ exporter, closeTimeoutMs: 30 });
    de.add(featureEvent(0));
    expect(await settlesWithin(de.close(), 1_000)).toBe(true);
    expect(de.stats()).toMatchObject({ failed: 1, pending: 0 });
  });

  it('applies the 10 s default deadline', async () => {
    vi.useFakeTimers();
    const exporter = new RecordingExporter({ behaviour: () => new Promise(() => {}) });
    const de = new DataExporter({ exporter, exportAtExit: false, logger: recordingLogger() });
    de.add(featureEvent(0));
    let closed = false;
    void de.close().then(() => {
      closed = true;
    });
    await vi.advanceTimersByTimeAsync(9_999);
    expect(closed).toBe(false);
    expect(de.stats().pending).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(closed).toBe(true);
    expect(de.stats()).toMatchObject({ failed: 1, pending: 0 });
  });

  it('is idempotent: one close of the exporter, the same outcome every call', async () => {
    const exporter = new RecordingExporter();
    const de = makeDataExporter({ exporter });
    de.add(featureEvent(0));
    const first = de.close({ timeoutMs: 1_000 });
    const second = de.close({ timeoutMs: 1 });
    expect(second).toBe(first);
    await Promise.all([first, second, de.close()]);
    await de.close();
    expect(exporter.closeCalls).toBe(1);
    expect(exporter.calls).toHaveLength(1);
    expect(de.stats()).toMatchObject({ received: 1, exported: 1 });
  });

  it('resolves even when the exporter fails to close, and logs it', async () => {
    const exporter = new RecordingExporter();
    exporter.close = async () => {
      throw new Error('socket already closed');
    };
    const logger = recordingLogger();
    const de = makeDataExporter({ exporter, logger });
    await expect(de.close({ timeoutMs: 1_000 })).resolves.toBeUndefined();
    expect(logger.at('warn').some((e) => (e.fields.err as Error)?.message === 'socket already closed')).toBe(
      true,
    );
  });

  it('works with await using', async () => {
    const exporter = new RecordingExporter();
    {
      await using de = makeDataExporter({ exporter, maxEventsInMemory: 100 });
      de.add(featureEvent(0));
      expect(exporter.calls).toHaveLength(0);
    }
    expect(exporter.delivered).toHaveLength(1);
    expect(exporter.closeCalls).toBe(1);
  });

  it('[Symbol.asyncDispose]() is close()', async () => {
    const exporter = new RecordingExporter();
    const de = makeDataExporter({ exporter });
    de.add(featureEvent(0));
    await de[Symbol.asyncDispose]();
    expect(exporter.closeCalls).toBe(1);
    expect(de.stats()).toMatchObject({ exported: 1 });
    await de.close();
    expect(exporter.closeCalls).toBe(1);
  });

  it('a late outcome after the deadline changes nothing', async () => {
    const gate = deferred<void>();
    const exporter = new RecordingExporter({ behaviour: () => gate.promise });
    const de = makeDataExporter({ exporter });
    de.add(featureEvent(0));
    await de.close({ timeoutMs: 10 });
    gate.resolve();
    await sleep(10);
    expect(de.stats()).toMatchObject({ received: 1, exported: 0, failed: 1, pending: 0 });
  });
});
