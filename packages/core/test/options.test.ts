import { afterEach, describe, expect, it, vi } from 'vitest';
import { DataExporter, type DataExporterOptions, type Exporter } from '../src/index.js';
import { featureEvent, makeDataExporter, RecordingExporter, recordingLogger } from './helpers.js';

afterEach(() => {
  vi.useRealTimers();
});

const exporter = (): Exporter => new RecordingExporter();
const build = (options: Record<string, unknown>) =>
  new DataExporter({ exporter: exporter(), exportAtExit: false, ...options } as DataExporterOptions);

describe('DataExporter options: invalid values throw at construction, naming the option (DESIGN §4.7)', () => {
  it.each<[string, Record<string, unknown>]>([
    ['exporter', { exporter: undefined }],
    ['exporter', { exporter: { export: async () => {} } }],
    ['exporter', { exporter: { isBulk: () => true } }],
    ['eventType', { eventType: 'Feature' }],
    ['eventType', { eventType: 'all' }],
    ['name', { name: '' }],
    ['name', { name: 42 }],
    ['flushIntervalMs', { flushIntervalMs: 0 }],
    ['flushIntervalMs', { flushIntervalMs: -1 }],
    ['flushIntervalMs', { flushIntervalMs: Number.NaN }],
    ['flushIntervalMs', { flushIntervalMs: Number.POSITIVE_INFINITY }],
    ['flushIntervalMs', { flushIntervalMs: '1000' }],
    ['flushIntervalMs', { flushIntervalMs: 2 ** 31 }],
    ['maxEventsInMemory', { maxEventsInMemory: 0 }],
    ['maxEventsInMemory', { maxEventsInMemory: 1.5 }],
    ['maxEventsInMemory', { maxEventsInMemory: '100' }],
    ['maxPendingEvents', { maxEventsInMemory: 10, maxPendingEvents: 9 }],
    ['maxPendingEvents', { maxPendingEvents: 2.5 }],
    ['closeTimeoutMs', { closeTimeoutMs: -1 }],
    ['closeTimeoutMs', { closeTimeoutMs: Number.NaN }],
    ['closeTimeoutMs', { closeTimeoutMs: 2 ** 31 }],
    ['logger', { logger: {} }],
    ['logger', { logger: { warn() {} } }],
    ['retry', { retry: 'fast' }],
    ['retry.maxAttempts', { retry: { maxAttempts: 0 } }],
    ['retry.maxAttempts', { retry: { maxAttempts: 2.5 } }],
    ['retry.initialDelayMs', { retry: { initialDelayMs: -1 } }],
    ['retry.maxDelayMs', { retry: { initialDelayMs: 1_000, maxDelayMs: 999 } }],
    ['retry.maxDelayMs', { retry: { maxDelayMs: 2 ** 31 } }],
    ['retry.maxElapsedMs', { retry: { maxElapsedMs: -1 } }],
    ['exportTimeoutMs', { exportTimeoutMs: 0 }],
    ['exportTimeoutMs', { exportTimeoutMs: 2 ** 31 }],
    ['streamConcurrency', { streamConcurrency: 0 }],
    ['streamConcurrency', { streamConcurrency: 1.5 }],
    ['exportAtExit', { exportAtExit: 'yes' }],
  ])('%s (case %#)', (option, options) => {
    expect(() => build(options)).toThrow(TypeError);
    expect(() => build(options)).toThrow(new RegExp(`\\b${option.replace('.', '\\.')}\\b`));
  });

  it('rejects a missing options object', () => {
    expect(() => new DataExporter(undefined as unknown as DataExporterOptions)).toThrow(/options/);
  });

  it('says what it got, so the message is actionable', () => {
    expect(() => build({ flushIntervalMs: -5 })).toThrow(/flushIntervalMs.*-5/);
    expect(() => build({ eventType: 'all' })).toThrow(/'all'/);
  });

  it('accepts the boundary values', () => {
    for (const options of [
      { maxEventsInMemory: 1, maxPendingEvents: 1 },
      { closeTimeoutMs: 0 },
      { retry: { maxAttempts: 1, initialDelayMs: 0, maxDelayMs: 0, maxElapsedMs: 0 } },
      { flushIntervalMs: 1 },
      { eventType: 'tracking' },
    ]) {
      const de = build({ ...options, logger: recordingLogger() });
      expect(de).toBeInstanceOf(DataExporter);
      void de.close({ timeoutMs: 0 });
    }
  });

  it('names a DataExporter after its exporter class by default, or "exporter" for a plain object', async () => {
    class AcmeSink implements Exporter {
      isBulk() {
        return true;
      }
      async export() {}
    }
    const named = build({ exporter: new AcmeSink() });
    expect(named.name).toBe('AcmeSink');
    const plain = build({ exporter: { isBulk: () => true, export: async () => {} } });
    expect(plain.name).toBe('exporter');
    expect(build({ name: 'audit' }).name).toBe('audit');
    await Promise.all([named.close(), plain.close()]);
  });
});

describe('defaults', () => {
  it('flushIntervalMs defaults to 60 s', async () => {
    vi.useFakeTimers();
    const recording = new RecordingExporter();
    const de = new DataExporter({ exporter: recording, exportAtExit: false, logger: recordingLogger() });
    de.add(featureEvent(0));
    await vi.advanceTimersByTimeAsync(59_999);
    expect(recording.calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(recording.calls).toHaveLength(1);
    await de.close();
  });

  it('maxEventsInMemory defaults to 100 000', async () => {
    const recording = new RecordingExporter();
    const de = new DataExporter({ exporter: recording, exportAtExit: false, logger: recordingLogger() });
    for (let i = 0; i < 99_999; i++) de.add(featureEvent(0));
    await Promise.resolve();
    await Promise.resolve();
    expect(recording.calls).toHaveLength(0);
    de.add(featureEvent(0));
    await vi.waitFor(() => expect(recording.calls).toHaveLength(1));
    expect(recording.calls[0]!.events).toHaveLength(100_000);
    await de.close();
  });

  it('eventType defaults to feature', async () => {
    const recording = new RecordingExporter();
    const de = makeDataExporter({ exporter: recording });
    de.add({
      kind: 'tracking',
      contextKind: 'user',
      userKey: 'u',
      creationDate: 1,
      key: 't',
      evaluationContext: {},
      trackingEventDetails: {},
    });
    de.add(featureEvent(0));
    await de.close({ timeoutMs: 1_000 });
    expect(de.stats()).toMatchObject({ received: 1, exported: 1 });
  });

  it('reads isBulk() once, at construction', async () => {
    const recording = new RecordingExporter({ bulk: false });
    const isBulk = vi.spyOn(recording, 'isBulk');
    const de = makeDataExporter({ exporter: recording });
    for (let i = 0; i < 3; i++) de.add(featureEvent(i));
    recording.bulk = true;
    await de.close({ timeoutMs: 1_000 });
    expect(isBulk).toHaveBeenCalledTimes(1);
    expect(recording.calls.map((c) => c.events.length)).toEqual([1, 1, 1]);
  });
});

describe('DataExporter options: unknown keys and precise messages (issue 6)', () => {
  it.each<[Record<string, unknown>, RegExp]>([
    [{ flushInterval: 1_000 }, /no option flushInterval \(did you mean flushIntervalMs\?\)/],
    [{ maxEventInMemory: 10 }, /no option maxEventInMemory \(did you mean maxEventsInMemory\?\)/],
    [{ flushIntervalMS: 10 }, /did you mean flushIntervalMs\?/],
    [{ maxPendingEvent: 10 }, /did you mean maxPendingEvents\?/],
    [{ colour: 'red' }, /no option colour; known: exporter, name/],
    [{ retry: { maxAttempt: 3 } }, /retry has no option maxAttempt \(did you mean maxAttempts\?\)/],
  ])('refuses %j', (options, message) => {
    expect(() => build(options)).toThrow(TypeError);
    expect(() => build(options)).toThrow(message);
  });

  it('says what exactly is wrong with maxPendingEvents, the logger and the exporter', () => {
    expect(() => build({ maxEventsInMemory: 1_000, maxPendingEvents: 500 })).toThrow(
      'maxPendingEvents must be an integer >= maxEventsInMemory (1000), got 500',
    );
    expect(() => build({ logger: { debug() {}, warn() {}, error() {} } })).toThrow('missing method info');
    expect(() => build({ exporter: { export: async () => {} } })).toThrow('missing isBulk()');
    expect(() => build({ exporter: { isBulk: () => true } })).toThrow('missing export()');
  });

  it('accepts closeTimeoutMs: Infinity and retry.maxAttempts: Infinity', async () => {
    const de = build({
      closeTimeoutMs: Number.POSITIVE_INFINITY,
      retry: { maxAttempts: Number.POSITIVE_INFINITY },
    });
    await de.close({ timeoutMs: 100 });
  });
});

describe('batchingDefaults an exporter declares', () => {
  it('are read once and lose to options given explicitly', async () => {
    const preferring = Object.assign(new RecordingExporter(), {
      batchingDefaults: { flushIntervalMs: 20, maxEventsInMemory: 3 },
    });
    const de = makeDataExporter({ exporter: preferring, flushIntervalMs: undefined });
    de.add(featureEvent(0));
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(preferring.calls).toHaveLength(1); // cut by the 20 ms interval, not the 60 s default
    for (let i = 0; i < 3; i++) de.add(featureEvent(i));
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(preferring.calls).toHaveLength(2); // cut by its maxEventsInMemory of 3
    await de.close({ timeoutMs: 1_000 });

    const explicit = Object.assign(new RecordingExporter(), { batchingDefaults: { flushIntervalMs: 20 } });
    const de2 = makeDataExporter({ exporter: explicit, flushIntervalMs: 60_000 });
    de2.add(featureEvent(0));
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(explicit.calls).toHaveLength(0);
    await de2.close({ timeoutMs: 1_000 });
  });
});
