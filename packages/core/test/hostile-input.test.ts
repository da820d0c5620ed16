// Bad input and buggy exporters (DESIGN §4.7, issue 6): nothing escapes add(), nothing counts as
// delivered that was not confirmed, and no bad batch blocks the event loop.
import { describe, expect, it } from 'vitest';
import { ExportError, type FeatureEvent, fanOut, jsonLines } from '../src/index.js';
import {
  expectInvariant,
  featureEvent,
  makeDataExporter,
  RecordingExporter,
  recordingLogger,
} from './helpers.js';

function hostileEvents(): unknown[] {
  const throwingKind = Object.defineProperty({}, 'kind', {
    get() {
      throw new Error('getter says no');
    },
  });
  const { proxy: revoked, revoke } = Proxy.revocable(featureEvent(0), {});
  revoke();
  const throwingTrap = new Proxy(featureEvent(0), {
    get() {
      throw new Error('trap says no');
    },
  });
  return [throwingKind, revoked, throwingTrap];
}

describe('hostile input never escapes add()', () => {
  it('counts an event that throws when read as failed, warns once, and keeps going', async () => {
    const logger = recordingLogger();
    const exporter = new RecordingExporter();
    const de = makeDataExporter({ exporter, logger });
    for (const event of hostileEvents()) expect(() => de.add(event as FeatureEvent)).not.toThrow();
    de.add(featureEvent(1));
    await de.flush();
    expect(de.stats()).toMatchObject({ received: 4, exported: 1, failed: 3, pending: 0 });
    expect(logger.at('warn').filter((e) => /throws when read/.test(e.message))).toHaveLength(1);
    expectInvariant(de);
    await de.close({ timeoutMs: 1_000 });
  });

  it('inside fanOut, every member still receives the events after a hostile one', async () => {
    const a = new RecordingExporter();
    const b = new RecordingExporter();
    const events = fanOut(
      makeDataExporter({ exporter: a, name: 'a' }),
      makeDataExporter({ exporter: b, name: 'b' }),
    );
    for (const event of hostileEvents()) {
      expect(() => events.add(event as FeatureEvent)).not.toThrow();
      events.add(featureEvent(1));
    }
    await events.flush();
    expect(a.delivered).toHaveLength(3);
    expect(b.delivered).toHaveLength(3);
    expect(events.stats().b).toMatchObject({ received: 6, exported: 3, failed: 3 });
    await events.close({ timeoutMs: 1_000 });
  });

  it('a field getter that throws at encode time costs only its own event', async () => {
    const evil = Object.defineProperty(featureEvent(1), 'value', {
      enumerable: true,
      get() {
        throw new Error('no value for you');
      },
    });
    const format = jsonLines();
    const rejected: number[] = [];
    const chunks: string[] = [];
    for await (const chunk of format.encode([featureEvent(0), evil, featureEvent(2)], (i) =>
      rejected.push(i),
    )) {
      chunks.push(Buffer.from(chunk).toString('utf8'));
    }
    expect(rejected).toEqual([1]);
    expect(chunks.join('').trimEnd().split('\n')).toHaveLength(2);
  });
});

describe('encoding never stalls on bad events', () => {
  it('yields to the event loop while trying 200 000 unserialisable events', async () => {
    const bad = Array.from({ length: 200_000 }, (_, i) => featureEvent(i, { value: BigInt(i) }));
    let turns = 0;
    let running = true;
    const spin = () => {
      if (!running) return;
      turns++;
      setImmediate(spin);
    };
    setImmediate(spin);
    let rejected = 0;
    for await (const _ of jsonLines().encode(bad, () => rejected++)) void _;
    running = false;
    expect(rejected).toBe(200_000);
    // Before: no output, so no yield at all for the whole batch (2-3 s of blocked loop).
    expect(turns).toBeGreaterThan(10);
  }, 60_000);
});

describe('malformed exporter results are handled one way', () => {
  for (const [label, undelivered] of [
    ['only invalid indexes', [99]],
    ['NaN', [Number.NaN]],
    ['a mix of valid and invalid', [0, 99]],
    ['not an array', 3],
  ] as const) {
    it(`an ExportError whose undelivered is ${label}: the whole batch is retried, logged once`, async () => {
      const logger = recordingLogger();
      const exporter = new RecordingExporter({
        behaviour: (call) => {
          if (call.context.attempt <= 2)
            throw new ExportError('partial?', { undelivered: undelivered as unknown as number[] });
        },
      });
      const de = makeDataExporter({ exporter, logger });
      for (let i = 0; i < 5; i++) de.add(featureEvent(i));
      await de.flush();
      expect(exporter.calls.map((c) => c.events.length)).toEqual([5, 5, 5]);
      expect(de.stats()).toMatchObject({ exported: 5, failed: 0, retries: 2 });
      expect(logger.at('warn').filter((e) => /exporter bug/.test(e.message))).toHaveLength(1);
      await de.close({ timeoutMs: 1_000 });
    });
  }

  it('an invalid undelivered never counts anything exported before it is confirmed', async () => {
    const exporter = new RecordingExporter({
      behaviour: () => {
        throw new ExportError('partial?', { undelivered: [99], retryable: false });
      },
    });
    const de = makeDataExporter({ exporter });
    for (let i = 0; i < 5; i++) de.add(featureEvent(i));
    await de.flush();
    expect(de.stats()).toMatchObject({ exported: 0, failed: 5 });
    await de.close({ timeoutMs: 1_000 });
  });
});
