import { describe, expect, it } from 'vitest';
import { DataExporter, fanOut } from '../src/index.js';
import {
  deferred,
  expectInvariant,
  featureEvent,
  makeDataExporter,
  RecordingExporter,
  recordingLogger,
  until,
} from './helpers.js';

const dropWarnings = (logger: ReturnType<typeof recordingLogger>) =>
  logger.at('warn').filter((e) => /maxPendingEvents/.test(e.message));

describe('bounded memory (DESIGN §4.2)', () => {
  it('never holds more than maxPendingEvents (buffered + in flight) with a stalled sink', async () => {
    const gate = deferred<void>();
    const exporter = new RecordingExporter({ behaviour: () => gate.promise });
    const logger = recordingLogger();
    const de = makeDataExporter({ exporter, logger, maxEventsInMemory: 10, maxPendingEvents: 25 });
    for (let i = 0; i < 10_000; i++) {
      de.add(featureEvent(i));
      if (i % 97 === 0) await Promise.resolve(); // let batches be cut and dispatched along the way
      expect(de.stats().pending).toBeLessThanOrEqual(25);
    }
    expect(de.stats()).toMatchObject({
      received: 10_000,
      pending: 25,
      dropped: 9_975,
      exported: 0,
      failed: 0,
    });
    expectInvariant(de);
    gate.resolve();
    await de.flush();
    // Drop-newest: the 25 oldest events are the ones kept and delivered.
    expect(exporter.delivered.map((e) => e.key)).toEqual(Array.from({ length: 25 }, (_, i) => `flag-${i}`));
    expect(de.stats()).toMatchObject({ received: 10_000, exported: 25, dropped: 9_975, pending: 0 });
    await de.close({ timeoutMs: 1_000 });
  });

  it('defaults maxPendingEvents to 2 x maxEventsInMemory', async () => {
    const gate = deferred<void>();
    const exporter = new RecordingExporter({ behaviour: () => gate.promise });
    const de = makeDataExporter({ exporter, maxEventsInMemory: 7 });
    for (let i = 0; i < 100; i++) de.add(featureEvent(i));
    expect(de.stats()).toMatchObject({ pending: 14, dropped: 86 });
    gate.resolve();
    await de.close({ timeoutMs: 1_000 });
  });

  it('warns once per episode: one warning for 10 000 drops, and again for a later episode', async () => {
    let gate = deferred<void>();
    const exporter = new RecordingExporter({ behaviour: () => gate.promise });
    const logger = recordingLogger();
    const de = makeDataExporter({ exporter, logger, maxEventsInMemory: 5, maxPendingEvents: 10 });
    for (let i = 0; i < 10_010; i++) de.add(featureEvent(i));
    expect(de.stats().dropped).toBe(10_000);
    expect(logger.at('warn')).toHaveLength(1); // logger.warn called once for 10 000 drops
    expect(dropWarnings(logger)).toHaveLength(1);
    expect(dropWarnings(logger)[0]!.fields).toMatchObject({ exporter: 'test', maxPendingEvents: 10 });

    // The sink catches up: the episode ends.
    gate.resolve();
    await de.flush();
    expect(dropWarnings(logger)).toHaveLength(1);

    // A second outage and overflow is a new episode: one more warning, still not one per event.
    gate = deferred<void>();
    for (let i = 0; i < 500; i++) de.add(featureEvent(i));
    expect(de.stats().dropped).toBe(10_490);
    expect(dropWarnings(logger)).toHaveLength(2);
    gate.resolve();
    await de.close({ timeoutMs: 1_000 });
    expect(logger.at('warn').length).toBeLessThan(10);
  });

  it('accepts events again as soon as the sink frees room', async () => {
    let gate = deferred<void>();
    const exporter = new RecordingExporter({ behaviour: () => gate.promise });
    const de = makeDataExporter({ exporter, maxEventsInMemory: 5, maxPendingEvents: 5 });
    for (let i = 0; i < 6; i++) de.add(featureEvent(i));
    expect(de.stats().dropped).toBe(1);
    await until(() => exporter.calls.length === 1);
    const released = gate;
    gate = deferred<void>();
    released.resolve();
    await until(() => de.stats().exported === 5);
    de.add(featureEvent(99));
    expect(de.stats()).toMatchObject({ received: 7, dropped: 1, pending: 1 });
    gate.resolve();
    await de.close({ timeoutMs: 1_000 });
    expect(exporter.delivered.map((e) => e.key)).toContain('flag-99');
  });

  it('each DataExporter has its own bound: a dead sink never causes drops in another (fanOut)', async () => {
    const dead = new RecordingExporter({ behaviour: () => new Promise(() => {}) });
    const healthy = new RecordingExporter();
    const events = fanOut(
      makeDataExporter({ name: 'dead', exporter: dead, maxEventsInMemory: 5, maxPendingEvents: 5 }),
      makeDataExporter({ name: 'healthy', exporter: healthy, maxEventsInMemory: 5, maxPendingEvents: 5 }),
    );
    for (let i = 0; i < 200; i++) {
      events.add(featureEvent(i));
      if (i % 5 === 4) await until(() => healthy.inFlight === 0 && events.stats().healthy!.pending === 0);
    }
    const stats = events.stats();
    expect(stats.dead).toMatchObject({ received: 200, pending: 5, dropped: 195 });
    expect(stats.healthy).toMatchObject({ received: 200, exported: 200, dropped: 0 });
    expect(healthy.delivered).toHaveLength(200);
    await events.close({ timeoutMs: 20 });
    expect(events.stats().dead).toMatchObject({ received: 200, dropped: 195, failed: 5, pending: 0 });
  });

  it('a stalled DataExporter does not grow with the number of add() calls', async () => {
    const exporter = new RecordingExporter({ behaviour: () => new Promise(() => {}) });
    const de = new DataExporter({
      exporter,
      name: 'stalled',
      maxEventsInMemory: 100,
      exportAtExit: false,
      logger: recordingLogger(),
    });
    for (let i = 0; i < 100_000; i++) de.add(featureEvent(i % 10));
    expect(de.stats()).toMatchObject({ received: 100_000, pending: 200, dropped: 99_800 });
    await de.close({ timeoutMs: 10 });
  });
});
