import { afterEach, describe, expect, it } from 'vitest';
import { type DiagnosticsMessage, diagnostics, ExportError } from '../src/index.js';
import { deferred, featureEvent, makeDataExporter, RecordingExporter } from './helpers.js';

type Kind = keyof typeof diagnostics;
const unsubscribers: (() => void)[] = [];

afterEach(() => {
  for (const unsubscribe of unsubscribers.splice(0)) unsubscribe();
});

/** Records the messages of every channel for one DataExporter name. */
function listen(name: string): Record<Kind, DiagnosticsMessage[]> {
  const seen = { exported: [], failed: [], retried: [], dropped: [] } as Record<Kind, DiagnosticsMessage[]>;
  for (const kind of Object.keys(seen) as Kind[]) {
    const onMessage = (message: unknown) => {
      if ((message as DiagnosticsMessage).exporter === name) seen[kind].push(message as DiagnosticsMessage);
    };
    diagnostics[kind].subscribe(onMessage);
    unsubscribers.push(() => diagnostics[kind].unsubscribe(onMessage));
  }
  return seen;
}

describe('node:diagnostics_channel events (DESIGN §4.9)', () => {
  it('uses the documented channel names', () => {
    expect(diagnostics.exported.name).toBe('ff-exporter:exported');
    expect(diagnostics.failed.name).toBe('ff-exporter:failed');
    expect(diagnostics.retried.name).toBe('ff-exporter:retried');
    expect(diagnostics.dropped.name).toBe('ff-exporter:dropped');
  });

  it('publishes exported with the batch id, attempt and event count', async () => {
    const seen = listen('diag-exported');
    const exporter = new RecordingExporter();
    const de = makeDataExporter({ name: 'diag-exported', exporter });
    for (let i = 0; i < 3; i++) de.add(featureEvent(i));
    await de.flush();
    expect(seen.exported).toEqual([
      { exporter: 'diag-exported', events: 3, batchId: exporter.calls[0]!.context.batchId, attempt: 1 },
    ]);
    expect(seen.failed).toEqual([]);
    await de.close({ timeoutMs: 1_000 });
  });

  it('publishes retried for each failed attempt that will be retried, with the error', async () => {
    const seen = listen('diag-retried');
    const errors = [new Error('first'), new ExportError('second', { retryAfterMs: 1 })];
    const exporter = new RecordingExporter({
      behaviour: (call) => {
        const error = errors[call.context.attempt - 1];
        if (error) throw error;
      },
    });
    const de = makeDataExporter({ name: 'diag-retried', exporter });
    de.add(featureEvent(0));
    await de.flush();
    const batchId = exporter.calls[0]!.context.batchId;
    expect(seen.retried).toEqual([
      { exporter: 'diag-retried', events: 1, batchId, attempt: 1, error: errors[0] },
      { exporter: 'diag-retried', events: 1, batchId, attempt: 2, error: errors[1] },
    ]);
    expect(seen.exported).toEqual([{ exporter: 'diag-retried', events: 1, batchId, attempt: 3 }]);
    await de.close({ timeoutMs: 1_000 });
  });

  it('publishes failed for a non-retryable error, exhausted retries and rejected events', async () => {
    const seen = listen('diag-failed');
    const fatal = new ExportError('400', { retryable: false });
    const exporter = new RecordingExporter({
      behaviour: (call) => {
        const key = call.events[0]!.key;
        if (key === 'flag-0') throw fatal;
        if (key === 'flag-2') throw new Error('down');
        return { rejected: [1] };
      },
    });
    const de = makeDataExporter({
      name: 'diag-failed',
      exporter,
      maxEventsInMemory: 2,
      maxPendingEvents: 100,
      retry: { maxAttempts: 2, initialDelayMs: 1, maxDelayMs: 1 },
    });
    for (let i = 0; i < 6; i++) de.add(featureEvent(i));
    await de.flush();
    expect(seen.failed).toHaveLength(3);
    expect(seen.failed[0]).toMatchObject({ events: 2, attempt: 1, error: fatal });
    expect(seen.failed[1]).toMatchObject({ events: 2, attempt: 2 });
    expect((seen.failed[1]!.error as Error).message).toBe('down');
    expect(seen.failed[2]).toMatchObject({ events: 1, attempt: 1 });
    expect(seen.exported.at(-1)).toMatchObject({ events: 1 });
    await de.close({ timeoutMs: 1_000 });
  });

  it('publishes failed for what is unfinished at the close deadline', async () => {
    const seen = listen('diag-deadline');
    const exporter = new RecordingExporter({ behaviour: () => new Promise(() => {}) });
    const de = makeDataExporter({ name: 'diag-deadline', exporter });
    for (let i = 0; i < 4; i++) de.add(featureEvent(i));
    await de.close({ timeoutMs: 10 });
    expect(seen.failed).toEqual([expect.objectContaining({ exporter: 'diag-deadline', events: 4 })]);
  });

  it('publishes the delivered part of a partial success as exported', async () => {
    const seen = listen('diag-partial');
    const exporter = new RecordingExporter({
      behaviour: (call) => {
        if (call.context.attempt === 1) throw new ExportError('partial', { undelivered: [0] });
      },
    });
    const de = makeDataExporter({ name: 'diag-partial', exporter });
    for (let i = 0; i < 3; i++) de.add(featureEvent(i));
    await de.flush();
    expect(seen.exported.map((m) => [m.events, m.attempt])).toEqual([
      [2, 1],
      [1, 2],
    ]);
    await de.close({ timeoutMs: 1_000 });
  });

  it('publishes dropped for events refused by a full bound and after close()', async () => {
    const seen = listen('diag-dropped');
    const gate = deferred<void>();
    const exporter = new RecordingExporter({ behaviour: () => gate.promise });
    const de = makeDataExporter({
      name: 'diag-dropped',
      exporter,
      maxEventsInMemory: 2,
      maxPendingEvents: 2,
    });
    for (let i = 0; i < 5; i++) de.add(featureEvent(i));
    expect(seen.dropped.reduce((sum, m) => sum + m.events, 0)).toBe(3);
    gate.resolve();
    await de.close({ timeoutMs: 1_000 });
    de.add(featureEvent(9));
    expect(seen.dropped.reduce((sum, m) => sum + m.events, 0)).toBe(4);
    expect(seen.dropped.every((m) => m.exporter === 'diag-dropped')).toBe(true);
  });
});

describe('diagnostics are published after the counters change', () => {
  it('a subscriber reading stats() sees the numbers the message reports', async () => {
    const de = makeDataExporter({
      name: 'diag-order',
      maxEventsInMemory: 2,
      maxPendingEvents: 2,
      exporter: new RecordingExporter({
        behaviour: (call) => {
          if (call.index === 0) throw new ExportError('busy');
          if (call.index === 1) return { rejected: [0] };
        },
      }),
    });
    const snapshots: Record<string, ReturnType<typeof de.stats>[]> = {};
    for (const kind of Object.keys(diagnostics) as Kind[]) {
      const onMessage = (message: unknown) => {
        if ((message as DiagnosticsMessage).exporter !== 'diag-order') return;
        snapshots[kind] ??= [];
        snapshots[kind].push(de.stats());
      };
      diagnostics[kind].subscribe(onMessage);
      unsubscribers.push(() => diagnostics[kind].unsubscribe(onMessage));
    }
    for (let i = 0; i < 3; i++) de.add(featureEvent(i));
    await de.flush();
    expect(snapshots.dropped?.[0]).toMatchObject({ dropped: 1 });
    expect(snapshots.retried?.[0]).toMatchObject({ retries: 1 });
    expect(snapshots.failed?.[0]).toMatchObject({ failed: 1 });
    expect(snapshots.exported?.[0]).toMatchObject({ exported: 1, pending: 0 });
    await de.close({ timeoutMs: 1_000 });
  });
});
