// The streaming path (isBulk() === false) as issue 6 asks: delivered events released at once, a long
// backlog drained without starving the event loop, and one warning per drop episode.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { ExportError, type FeatureEvent } from '../src/index.js';
import {
  deferred,
  expectInvariant,
  featureEvent,
  makeDataExporter,
  RecordingExporter,
  recordingLogger,
  sleep,
  until,
} from './helpers.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** A streaming exporter that does nothing: the fastest sink, the hardest to keep the loop free for. */
const fastStream = (onEvent: (event: FeatureEvent) => void = () => {}) => ({
  isBulk: () => false,
  async export(events: readonly FeatureEvent[]) {
    onEvent(events[0]!);
  },
});

/** Counts event-loop turns (setImmediate callbacks) while `work` runs. */
async function turnsDuring(work: Promise<unknown>): Promise<number> {
  let turns = 0;
  let running = true;
  const spin = () => {
    if (!running) return;
    turns++;
    setImmediate(spin);
  };
  setImmediate(spin);
  await work;
  running = false;
  return turns;
}

describe('the streaming path', () => {
  it('releases delivered events at once, not when a whole chunk of the backlog is done', async () => {
    const gate = deferred<void>();
    let delivered = 0;
    const refs: WeakRef<object>[] = [];
    const exporter = {
      isBulk: () => false,
      async export() {
        if (++delivered === 900) await gate.promise; // stall with 900 of 1 000 delivered
      },
    };
    const de = makeDataExporter<FeatureEvent>({
      exporter,
      maxEventsInMemory: 1_000,
      maxPendingEvents: 1_000,
    });
    // One synchronous burst: the backlog takes the 1 000 events as one chunk.
    for (let i = 0; i < 1_000; i++) {
      const event = featureEvent(i, { value: { payload: 'x'.repeat(100) } });
      refs.push(new WeakRef(event));
      de.add(event);
    }
    await until(() => delivered === 900);
    await sleep(10);
    gc();
    const alive = refs.filter((ref) => ref.deref() !== undefined).length;
    // The 899 settled ones are garbage; the one in flight and the 100 waiting are not.
    expect(alive).toBeLessThanOrEqual(101 + 5);
    gate.resolve();
    await de.close({ timeoutMs: 1_000 });
  });

  it('drains 200 000 backlogged events without starving the event loop', async () => {
    let count = 0;
    const de = makeDataExporter({
      exporter: fastStream(() => count++),
      maxEventsInMemory: 200_000,
      maxPendingEvents: 200_000,
    });
    for (let i = 0; i < 200_000; i++) de.add(featureEvent(i % 100));
    const turns = await turnsDuring(de.flush());
    expect(count).toBe(200_000);
    // Before issue 6 the drain was one chain of microtasks: zero turns in over a second.
    expect(turns).toBeGreaterThan(100);
    await de.close({ timeoutMs: 1_000 });
  });

  it('reads no clock and makes no batch id per event unless the exporter asks', async () => {
    const ids = new Set<string>();
    const exporter = {
      isBulk: () => false,
      async export(_events: readonly FeatureEvent[], context: { batchId: string; batchCreatedAt: number }) {
        ids.add(context.batchId);
        expect(context.batchCreatedAt).toBeGreaterThan(Date.now() - 5_000);
      },
    };
    const de = makeDataExporter<FeatureEvent>({ exporter });
    for (let i = 0; i < 10; i++) de.add(featureEvent(i));
    await de.flush();
    // Every event still has its own id when asked.
    expect(ids.size).toBe(10);
    await de.close({ timeoutMs: 1_000 });
  });

  it('keeps a streamed event’s id and creation time on every retry', async () => {
    const seen: [string, number, number][] = [];
    const exporter = {
      isBulk: () => false,
      async export(
        _events: readonly FeatureEvent[],
        context: { batchId: string; batchCreatedAt: number; attempt: number },
      ) {
        seen.push([context.batchId, context.batchCreatedAt, context.attempt]);
        if (context.attempt < 3) throw new ExportError('busy');
      },
    };
    const de = makeDataExporter<FeatureEvent>({ exporter });
    de.add(featureEvent(0));
    await de.flush();
    expect(seen.map((s) => s[2])).toEqual([1, 2, 3]);
    expect(new Set(seen.map((s) => s[0])).size).toBe(1);
    expect(new Set(seen.map((s) => s[1])).size).toBe(1);
    await de.close({ timeoutMs: 1_000 });
  });
});

describe('one drop warning per episode, for real', () => {
  const dropWarnings = (logger: ReturnType<typeof recordingLogger>) =>
    logger.at('warn').filter((e) => /maxPendingEvents/.test(e.message));
  const resumed = (logger: ReturnType<typeof recordingLogger>) =>
    logger.at('info').filter((e) => /accepting events again/.test(e.message));

  it('a slow streaming sink under steady overload: one warning, not one per settled event', async () => {
    const logger = recordingLogger();
    const exporter = { isBulk: () => false, export: () => sleep(1) };
    const de = makeDataExporter({ exporter, logger, maxEventsInMemory: 100, maxPendingEvents: 100 });
    const started = Date.now();
    while (Date.now() - started < 500) {
      for (let i = 0; i < 50; i++) de.add(featureEvent(i));
      await sleep(1);
    }
    expect(de.stats().dropped).toBeGreaterThan(1_000);
    expect(dropWarnings(logger)).toHaveLength(1);
    expect(resumed(logger)).toHaveLength(0);
    await de.close({ timeoutMs: 2_000 });
    expectInvariant(de);
  });

  it('a sink that answers "everything undelivered" frees nothing and re-arms nothing', async () => {
    const logger = recordingLogger();
    const exporter = new RecordingExporter({
      behaviour: (call) => {
        throw new ExportError('all failed', { undelivered: call.events.map((_, i) => i) });
      },
    });
    const de = makeDataExporter({ exporter, logger, maxEventsInMemory: 10, maxPendingEvents: 20 });
    const started = Date.now();
    while (Date.now() - started < 300) {
      for (let i = 0; i < 20; i++) de.add(featureEvent(i));
      await sleep(1);
    }
    expect(exporter.calls.length).toBeGreaterThan(10);
    expect(dropWarnings(logger)).toHaveLength(1);
    expect(resumed(logger)).toHaveLength(0);
    await de.close({ timeoutMs: 100 });
  });

  it('ends an episode once room falls below 90 % of the bound, then warns again for the next one', async () => {
    let gate = deferred<void>();
    const logger = recordingLogger();
    const exporter = new RecordingExporter({ behaviour: () => gate.promise });
    const de = makeDataExporter({ exporter, logger, maxEventsInMemory: 10, maxPendingEvents: 20 });
    for (let i = 0; i < 30; i++) de.add(featureEvent(i));
    expect(dropWarnings(logger)).toHaveLength(1);
    await until(() => exporter.calls.length === 1);
    const open = gate;
    gate = deferred<void>();
    open.resolve();
    await until(() => de.stats().exported === 10);
    expect(resumed(logger)).toHaveLength(1);
    for (let i = 0; i < 30; i++) de.add(featureEvent(i));
    expect(dropWarnings(logger)).toHaveLength(2);
    gate.resolve();
    await de.close({ timeoutMs: 1_000 });
  });
});
