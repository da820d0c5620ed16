import { describe, expect, it } from 'vitest';
import { fanOut } from '../src/index.js';
import {
  deferred,
  expectInvariant,
  featureEvent,
  makeDataExporter,
  RecordingExporter,
  settlesWithin,
  trackingEvent,
  until,
} from './helpers.js';

describe('fanOut (DESIGN §4.8)', () => {
  it('feeds every event to every member', async () => {
    const a = new RecordingExporter();
    const b = new RecordingExporter({ bulk: false });
    const events = fanOut(
      makeDataExporter({ name: 'a', exporter: a }),
      makeDataExporter({ name: 'b', exporter: b }),
    );
    for (let i = 0; i < 3; i++) events.add(featureEvent(i));
    await events.flush();
    expect(a.delivered.map((e) => e.key)).toEqual(['flag-0', 'flag-1', 'flag-2']);
    expect(b.delivered.map((e) => e.key)).toEqual(['flag-0', 'flag-1', 'flag-2']);
    await events.close({ timeoutMs: 1_000 });
  });

  it('gives each member its own batching policy', async () => {
    const small = new RecordingExporter();
    const large = new RecordingExporter();
    const events = fanOut(
      makeDataExporter({ name: 'small', exporter: small, maxEventsInMemory: 2, maxPendingEvents: 100 }),
      makeDataExporter({ name: 'large', exporter: large, maxEventsInMemory: 5, maxPendingEvents: 100 }),
    );
    for (let i = 0; i < 10; i++) events.add(featureEvent(i));
    await until(() => small.calls.length === 5 && large.calls.length === 2);
    expect(small.calls.map((c) => c.events.length)).toEqual([2, 2, 2, 2, 2]);
    expect(large.calls.map((c) => c.events.length)).toEqual([5, 5]);
    await events.close({ timeoutMs: 1_000 });
  });

  it('gives each member its own retry policy and stats', async () => {
    const flaky = new RecordingExporter({
      behaviour: (call) => {
        if (call.context.attempt < 3) throw new Error('flaky');
      },
    });
    const strict = new RecordingExporter({
      behaviour: (call) => {
        if (call.context.attempt < 3) throw new Error('flaky');
      },
    });
    const events = fanOut(
      makeDataExporter({
        name: 'patient',
        exporter: flaky,
        retry: { maxAttempts: 5, initialDelayMs: 1, maxDelayMs: 1 },
      }),
      makeDataExporter({ name: 'impatient', exporter: strict, retry: { maxAttempts: 1 } }),
    );
    events.add(featureEvent(0));
    await events.flush();
    const stats = events.stats();
    expect(Object.keys(stats)).toEqual(['patient', 'impatient']);
    expect(stats.patient).toMatchObject({ received: 1, exported: 1, failed: 0, retries: 2 });
    expect(stats.impatient).toMatchObject({ received: 1, exported: 0, failed: 1, retries: 0 });
    await events.close({ timeoutMs: 1_000 });
  });

  it('a slow member neither blocks nor delays the others', async () => {
    const gate = deferred<void>();
    const slow = new RecordingExporter({ behaviour: () => gate.promise });
    const fast = new RecordingExporter();
    const slowMember = makeDataExporter({ name: 'slow', exporter: slow });
    const fastMember = makeDataExporter({ name: 'fast', exporter: fast });
    const events = fanOut(slowMember, fastMember);
    events.add(featureEvent(0));
    expect(await settlesWithin(fastMember.flush(), 500)).toBe(true);
    expect(fast.delivered).toHaveLength(1);
    // The fan-out's own flush waits for every member.
    expect(await settlesWithin(events.flush(), 20)).toBe(false);
    gate.resolve();
    await events.flush();
    await events.close({ timeoutMs: 1_000 });
    for (const member of events.members) expectInvariant(member);
  });

  it('lets members take different event types', async () => {
    const features = new RecordingExporter();
    const tracking = new RecordingExporter();
    const events = fanOut(
      makeDataExporter({ name: 'features', exporter: features }),
      makeDataExporter({ name: 'tracking', exporter: tracking, eventType: 'tracking' }),
    );
    events.add(featureEvent(0));
    events.add(trackingEvent(1));
    events.add(featureEvent(2));
    await events.close({ timeoutMs: 1_000 });
    expect(features.delivered.map((e) => e.key)).toEqual(['flag-0', 'flag-2']);
    expect(tracking.delivered.map((e) => e.key)).toEqual(['track-1']);
    expect(events.stats()).toMatchObject({ features: { received: 2 }, tracking: { received: 1 } });
  });

  it('close() closes every member (each with its own deadline) and is what asyncDispose does', async () => {
    const hung = new RecordingExporter({ behaviour: () => new Promise(() => {}) });
    const ok = new RecordingExporter();
    {
      await using events = fanOut(
        makeDataExporter({ name: 'hung', exporter: hung, closeTimeoutMs: 20 }),
        makeDataExporter({ name: 'ok', exporter: ok }),
      );
      events.add(featureEvent(0));
    }
    expect(hung.closeCalls).toBe(1);
    expect(ok.closeCalls).toBe(1);
    expect(ok.delivered).toHaveLength(1);
  });

  it('requires distinct member names, since stats are keyed by name', () => {
    const a = makeDataExporter({ name: 'same', exporter: new RecordingExporter() });
    const b = makeDataExporter({ name: 'same', exporter: new RecordingExporter() });
    expect(() => fanOut(a, b)).toThrow(/distinct name/);
  });
});
