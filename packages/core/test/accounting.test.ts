import { describe, expect, it } from 'vitest';
import { type DataExporter, ExportError } from '../src/index.js';
import {
  deferred,
  expectInvariant,
  featureEvent,
  makeDataExporter,
  RecordingExporter,
  sleep,
  until,
} from './helpers.js';

/** Records every moment the invariant is broken (throwing inside an export would look like a sink error). */
const violations: string[] = [];
function check(de: DataExporter): void {
  const s = de.stats();
  if (s.received !== s.exported + s.dropped + s.failed + s.pending) violations.push(JSON.stringify(s));
}

/** Checks the invariant every millisecond until stopped; returns how many checks ran. */
function watchInvariant(de: DataExporter): () => number {
  let checks = 0;
  const timer = setInterval(() => {
    check(de);
    checks++;
  }, 1);
  return () => {
    clearInterval(timer);
    return checks;
  };
}

describe('accounting invariant: received = exported + dropped + failed + pending (DESIGN §4.3)', () => {
  it('holds at every moment through an outage, retries, partial success, rejects, drops and the close deadline', async () => {
    const hang = deferred<void>();
    let de!: DataExporter;
    const exporter = new RecordingExporter({
      behaviour: async (call) => {
        check(de); // checked inside every attempt too
        const first = call.events[0]!.key;
        await sleep(1);
        check(de);
        switch (first) {
          case 'flag-0': // an outage: fails twice, then goes through
            if (call.context.attempt < 3) throw new Error('ECONNREFUSED');
            return;
          case 'flag-4': // never comes back: retries exhausted
            throw new ExportError('503', { retryAfterMs: 2 });
          case 'flag-8': // partial success, then the rest goes through
            if (call.context.attempt === 1) throw new ExportError('partial', { undelivered: [1, 3] });
            return;
          case 'flag-12': // two refused for good
            return { rejected: [0, 2] };
          case 'flag-16': // non-retryable
            throw new ExportError('400 bad request', { retryable: false });
          case 'flag-20': // hangs past the close deadline
            return hang.promise;
          default:
            return;
        }
      },
    });
    de = makeDataExporter({
      exporter,
      maxEventsInMemory: 4,
      maxPendingEvents: 8,
      retry: { maxAttempts: 3, initialDelayMs: 2, maxDelayMs: 4 },
    });
    const stop = watchInvariant(de);
    for (let i = 0; i < 20; i++) {
      de.add(featureEvent(i));
      expectInvariant(de);
      if (i % 4 === 3) await de.flush();
    }
    expect(de.stats()).toMatchObject({
      received: 20,
      exported: 4 + 4 + 2,
      failed: 4 + 2 + 4,
      dropped: 0,
      pending: 0,
    });
    expect(de.stats().retries).toBe(2 + 2 + 1);

    // The sink hangs on the next batch; more events than the bound arrive meanwhile.
    for (let i = 20; i < 40; i++) {
      de.add(featureEvent(i));
      expectInvariant(de);
      await Promise.resolve();
    }
    await until(() => exporter.inFlight === 1);
    expect(de.stats()).toMatchObject({ received: 40, pending: 8, dropped: 12 });
    await sleep(5);
    await de.close({ timeoutMs: 20 });
    hang.resolve(); // a late success after the deadline changes nothing
    await sleep(5);
    const checks = stop();
    expect(checks).toBeGreaterThan(5);
    expect(violations).toEqual([]);
    expect(de.stats()).toMatchObject({ received: 40, exported: 10, failed: 10 + 8, dropped: 12, pending: 0 });
    expectInvariant(de);
    de.add(featureEvent(40));
    expect(de.stats()).toMatchObject({ received: 41, dropped: 13 });
    expectInvariant(de);
  });
});

describe('dropped vs failed', () => {
  it('dropped: never attempted because the bound was full', async () => {
    const gate = deferred<void>();
    const exporter = new RecordingExporter({ behaviour: () => gate.promise });
    const de = makeDataExporter({ exporter, maxEventsInMemory: 2, maxPendingEvents: 2 });
    for (let i = 0; i < 5; i++) de.add(featureEvent(i));
    gate.resolve();
    await de.close({ timeoutMs: 1_000 });
    expect(de.stats()).toMatchObject({ received: 5, exported: 2, dropped: 3, failed: 0 });
    expect(exporter.calls.flatMap((c) => c.events.map((e) => e.key))).toEqual(['flag-0', 'flag-1']);
  });

  it('dropped: added after close()', async () => {
    const exporter = new RecordingExporter();
    const de = makeDataExporter({ exporter });
    await de.close({ timeoutMs: 1_000 });
    de.add(featureEvent(0));
    await sleep(5);
    expect(de.stats()).toMatchObject({ received: 1, dropped: 1, failed: 0, pending: 0 });
    expect(exporter.calls).toHaveLength(0);
  });

  it('failed: retries exhausted', async () => {
    const exporter = new RecordingExporter({
      behaviour: () => {
        throw new Error('down');
      },
    });
    const de = makeDataExporter({ exporter, retry: { maxAttempts: 2, initialDelayMs: 1, maxDelayMs: 1 } });
    de.add(featureEvent(0));
    de.add(featureEvent(1));
    await de.flush();
    expect(de.stats()).toMatchObject({ received: 2, failed: 2, dropped: 0, exported: 0, retries: 1 });
    await de.close({ timeoutMs: 1_000 });
  });

  it('failed: non-retryable error', async () => {
    const exporter = new RecordingExporter({
      behaviour: () => {
        throw new ExportError('401', { retryable: false });
      },
    });
    const de = makeDataExporter({ exporter });
    de.add(featureEvent(0));
    await de.flush();
    expect(de.stats()).toMatchObject({ received: 1, failed: 1, dropped: 0, retries: 0 });
    await de.close({ timeoutMs: 1_000 });
  });

  it('failed: rejected by the sink', async () => {
    const exporter = new RecordingExporter({ behaviour: () => ({ rejected: [1] }) });
    const de = makeDataExporter({ exporter });
    for (let i = 0; i < 3; i++) de.add(featureEvent(i));
    await de.flush();
    expect(de.stats()).toMatchObject({ received: 3, exported: 2, failed: 1, dropped: 0 });
    await de.close({ timeoutMs: 1_000 });
  });

  it('failed: unfinished at the close deadline (including batches still queued)', async () => {
    const exporter = new RecordingExporter({ behaviour: () => new Promise(() => {}) });
    const de = makeDataExporter({ exporter, maxEventsInMemory: 2, maxPendingEvents: 10 });
    for (let i = 0; i < 5; i++) de.add(featureEvent(i));
    await de.close({ timeoutMs: 20 });
    expect(de.stats()).toMatchObject({ received: 5, exported: 0, failed: 5, dropped: 0, pending: 0 });
    expect(exporter.calls).toHaveLength(1);
  });
});

describe('an exporter’s malformed result', () => {
  it('neither crashes nor loses count: a non-array `rejected` means none rejected', async () => {
    const de = makeDataExporter({
      exporter: {
        isBulk: () => true,
        export: async () => ({ rejected: 5 as unknown as number[] }),
      },
    });
    for (let i = 0; i < 3; i++) de.add(featureEvent(i));
    await de.flush();
    expect(de.stats()).toMatchObject({ received: 3, exported: 3, failed: 0, pending: 0 });
    expectInvariant(de);
    await de.close({ timeoutMs: 1_000 });
  });

  it('a non-array `undelivered` retries the whole batch', async () => {
    let calls = 0;
    const sizes: number[] = [];
    const de = makeDataExporter({
      exporter: {
        isBulk: () => true,
        export: async (events) => {
          sizes.push(events.length);
          if (calls++ === 0) throw new ExportError('partial?', { undelivered: 'x' as unknown as number[] });
        },
      },
    });
    for (let i = 0; i < 3; i++) de.add(featureEvent(i));
    await de.flush();
    expect(sizes).toEqual([3, 3]);
    expect(de.stats()).toMatchObject({ received: 3, exported: 3, failed: 0, pending: 0, retries: 1 });
    await de.close({ timeoutMs: 1_000 });
  });
});
