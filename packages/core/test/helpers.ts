// Shared fakes for core's unit tests: a recording exporter, a recording logger, an in-memory blob
// store and a few waiting helpers. Real sinks are tested by their own packages.
import { expect } from 'vitest';
import {
  type BlobStore,
  type BlobWriteOptions,
  DataExporter,
  type DataExporterOptions,
  type ExportableEvent,
  type ExportContext,
  type Exporter,
  type ExportResult,
  type FeatureEvent,
  type Logger,
  type TrackingEvent,
} from '../src/index.js';

export function featureEvent(i: number, overrides: Partial<FeatureEvent> = {}): FeatureEvent {
  return {
    kind: 'feature',
    contextKind: 'user',
    userKey: `user-${i}`,
    creationDate: 1_700_000_000 + i,
    key: `flag-${i}`,
    variation: 'on',
    value: true,
    default: false,
    version: '1',
    source: 'SERVER',
    ...overrides,
  };
}

export function trackingEvent(i: number, overrides: Partial<TrackingEvent> = {}): TrackingEvent {
  return {
    kind: 'tracking',
    contextKind: 'user',
    userKey: `user-${i}`,
    creationDate: 1_700_000_000 + i,
    key: `track-${i}`,
    evaluationContext: { targetingKey: `user-${i}` },
    trackingEventDetails: { amount: i },
    ...overrides,
  };
}

export interface Deferred<T = void> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (reason: unknown) => void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

export interface ExportCall<E extends ExportableEvent = ExportableEvent> {
  events: E[];
  context: ExportContext;
  /** Date.now() when export() was called. */
  at: number;
  /** Index of the call, from 0. */
  index: number;
}

/** What one export() call does: resolve, throw, or wait. Defaults to resolving at once. */
export type Behaviour<E extends ExportableEvent = ExportableEvent> = (
  call: ExportCall<E>,
) => Promise<ExportResult> | ExportResult;

/**
 * A fake exporter that records every call and tracks concurrency (overall and per batch), so tests
 * can check "one export in flight" and "never two attempts of one batch at once".
 */
export class RecordingExporter<E extends ExportableEvent = ExportableEvent> implements Exporter<E> {
  readonly calls: ExportCall<E>[] = [];
  /** Events of every successful call, in order of completion (rejected ones excluded). */
  readonly delivered: E[] = [];
  inFlight = 0;
  maxInFlight = 0;
  readonly #perBatch = new Map<string, number>();
  maxPerBatch = 0;
  closeCalls = 0;
  bulk: boolean;
  behaviour: Behaviour<E>;

  constructor(options: { bulk?: boolean; behaviour?: Behaviour<E> } = {}) {
    this.bulk = options.bulk ?? true;
    this.behaviour = options.behaviour ?? (() => undefined);
  }

  isBulk(): boolean {
    return this.bulk;
  }

  async export(events: readonly E[], context: ExportContext): Promise<ExportResult> {
    const call: ExportCall<E> = { events: [...events], context, at: Date.now(), index: this.calls.length };
    this.calls.push(call);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    const running = (this.#perBatch.get(context.batchId) ?? 0) + 1;
    this.#perBatch.set(context.batchId, running);
    this.maxPerBatch = Math.max(this.maxPerBatch, running);
    try {
      const result = await this.behaviour(call);
      const rejected = new Set(result?.rejected ?? []);
      call.events.forEach((event, i) => {
        if (!rejected.has(i)) this.delivered.push(event);
      });
      return result;
    } finally {
      this.inFlight--;
      this.#perBatch.set(context.batchId, (this.#perBatch.get(context.batchId) ?? 1) - 1);
    }
  }

  async close(): Promise<void> {
    this.closeCalls++;
  }
}

export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  fields: Record<string, unknown>;
  message: string;
}

export function recordingLogger(): Logger & {
  entries: LogEntry[];
  at(level: LogEntry['level']): LogEntry[];
} {
  const entries: LogEntry[] = [];
  const log = (level: LogEntry['level']) => (fields: Record<string, unknown>, message: string) => {
    entries.push({ level, fields, message });
  };
  return {
    entries,
    at: (level) => entries.filter((e) => e.level === level),
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
  };
}

/** A DataExporter with test-friendly defaults: no exit hook, a silent recording logger, fast retries. */
export function makeDataExporter<E extends ExportableEvent = ExportableEvent>(
  options: Partial<DataExporterOptions<E>> & { exporter: Exporter<E> },
): DataExporter<E> {
  return new DataExporter<E>({
    name: 'test',
    flushIntervalMs: 60_000,
    exportAtExit: false,
    logger: recordingLogger(),
    retry: { initialDelayMs: 1, maxDelayMs: 4 },
    ...options,
  });
}

/** received = exported + dropped + failed + pending. */
export function expectInvariant(exporter: { stats(): ReturnType<DataExporter['stats']> }): void {
  const s = exporter.stats();
  expect(s.received, JSON.stringify(s)).toBe(s.exported + s.dropped + s.failed + s.pending);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Lets queued microtasks and immediate callbacks run. */
export const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Polls `condition` (real timers) until it holds or `timeoutMs` passes. */
export async function until(condition: () => boolean, timeoutMs = 3_000, what = 'condition'): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(1);
  }
}

/** Resolves when `promise` settles, telling whether it did within `ms` (real timers). */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const done = await Promise.race([promise.then(() => true as const), timeout]);
  clearTimeout(timer);
  return done;
}

export interface StoredObject {
  name: string;
  body: Buffer;
  contentType: string;
}

/**
 * An in-memory, create-only BlobStore. `beforeCreate` may throw (a failed write) or return
 * 'write-then-throw' to write the object and then fail (a response lost after the write).
 */
export class MemoryBlobStore implements BlobStore {
  readonly objects = new Map<string, StoredObject>();
  readonly calls: { name: string; options: BlobWriteOptions; result?: 'created' | 'exists' }[] = [];
  closeCalls = 0;
  beforeCreate?: (name: string, call: number) => undefined | 'write-then-throw';
  /** When true, an existing object is reported without reading the body (as real stores do). */
  lazyExists = true;

  async create(
    name: string,
    body: AsyncIterable<Uint8Array>,
    options: BlobWriteOptions,
  ): Promise<'created' | 'exists'> {
    const call = { name, options } as MemoryBlobStore['calls'][number];
    this.calls.push(call);
    const plan = this.beforeCreate?.(name, this.calls.length - 1);
    if (this.objects.has(name) && this.lazyExists) {
      call.result = 'exists';
      return 'exists';
    }
    const parts: Uint8Array[] = [];
    for await (const chunk of body) parts.push(chunk);
    if (this.objects.has(name)) {
      call.result = 'exists';
      return 'exists';
    }
    this.objects.set(name, { name, body: Buffer.concat(parts), contentType: options.contentType });
    call.result = 'created';
    if (plan === 'write-then-throw') throw new Error('connection reset after the write');
    return 'created';
  }

  async close(): Promise<void> {
    this.closeCalls++;
  }

  text(name: string): string {
    const object = this.objects.get(name);
    if (!object) throw new Error(`no object '${name}' (have: ${[...this.objects.keys()].join(', ')})`);
    return object.body.toString('utf8');
  }
}
