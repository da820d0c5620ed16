import { randomBytes } from 'node:crypto';
import {
  DataExporter,
  type ExportableEvent,
  type Exporter,
  type ExporterStats,
  type ExportResult,
  nextBatchId,
} from '@ff/exporter-core';
import { assertExactlyOnce, ConformanceError, canonicalJson, preview } from './compare.js';
import { exportContext, recordingLogger } from './context.js';
import { edgeCaseGroups, sampleEvents, unserialisableBatch } from './events.js';
import { GOFF_CSV_TEMPLATE, goffCsvRow, goffCsvText, goffJsonRecord } from './expected.js';
import {
  CAPABILITIES,
  type ConformanceCapabilities,
  type ConformanceOptions,
  type SinkContext,
  type StoredObject,
} from './options.js';
import { decodeUtf8, parseCsv, parseCsvRecords, parseJsonLines } from './parse.js';

/** One test of the suite, runnable without a test runner: `run()` rejects with a ConformanceError when the exporter fails it. */
export interface ConformanceCheck {
  title: string;
  /** Set when a capability switches the test off: the switch's name (the reason). */
  skip?: keyof ConformanceCapabilities;
  timeoutMs: number;
  run(): Promise<void>;
}

const runId = randomBytes(3).toString('hex');
let sinkSerial = 0;

/** A long flush interval: in the suite, batches are cut by size, flush() and close() only. */
const NEVER = 3_600_000;

/** How soon an attempt must settle once its signal aborts: DataExporter waits for it before anything else. */
export const ABORT_SETTLE_MS = 2_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface Sink {
  context: SinkContext;
  exporter: Exporter;
  bulk: boolean;
  closeExporter(): Promise<void>;
}

/** What landed: the objects (blob sinks) and the items compared, records (lossless) or CSV rows as written. */
interface Landed {
  objects?: readonly StoredObject[];
  items: unknown[];
}

function validate(options: ConformanceOptions): void {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('exporterConformance: options must be an object');
  if (typeof options.name !== 'string' || options.name === '') {
    throw new TypeError('exporterConformance: name must be a non-empty string');
  }
  if (options.stallSink !== undefined && typeof options.stallSink !== 'function')
    throw new TypeError('exporterConformance: stallSink must be a function');
  for (const hook of ['createExporter', 'readBack'] as const) {
    if (typeof options[hook] !== 'function')
      throw new TypeError(`exporterConformance: ${hook} must be a function`);
  }
  const format = (options.format ?? 'json').toLowerCase();
  if (!['json', 'csv', 'parquet'].includes(format) && options.decode === undefined) {
    throw new TypeError(`exporterConformance: format '${options.format}' needs a decode option`);
  }
  for (const key of Object.keys(options.capabilities ?? {})) {
    if (!CAPABILITIES.includes(key as keyof ConformanceCapabilities)) {
      throw new TypeError(
        `exporterConformance: unknown capability '${key}'; known: ${CAPABILITIES.join(', ')}`,
      );
    }
  }
  const large = options.largeBatchSize ?? 100_000;
  if (!Number.isInteger(large) || large < 1)
    throw new TypeError('exporterConformance: largeBatchSize must be an integer >= 1');
}

/**
 * The conformance suite as a list of checks. `exporterConformance()` registers them as vitest tests;
 * call this directly to run them elsewhere, or to prove that a broken exporter fails them.
 */
export function conformanceChecks(options: ConformanceOptions): ConformanceCheck[] {
  validate(options);
  const format = (options.format ?? 'json').toLowerCase();
  const lossless = format !== 'csv';
  const template = options.csvTemplate ?? GOFF_CSV_TEMPLATE;
  const capabilities = options.capabilities ?? {};
  const timeoutMs = options.timeoutMs ?? 30_000;
  const largeBatch = options.largeBatchSize ?? 100_000;
  const expectedRecord = options.expectedRecord ?? goffJsonRecord;

  // ---- the sink: one fresh place per test ------------------------------------------------------

  async function withSink(title: string, body: (sink: Sink) => Promise<void>): Promise<void> {
    const context: SinkContext = { id: `ff-${runId}-${++sinkSerial}`, title: `${options.name}: ${title}` };
    let failure: unknown;
    try {
      const exporter = await options.createExporter(context);
      if (typeof exporter?.export !== 'function' || typeof exporter?.isBulk !== 'function') {
        throw new TypeError(
          `${options.name}: createExporter() must return an Exporter (isBulk() and export())`,
        );
      }
      let closing: Promise<void> | undefined;
      const sink: Sink = {
        context,
        exporter,
        bulk: exporter.isBulk() === true,
        closeExporter: () => {
          closing ??= Promise.resolve().then(() => exporter.close?.());
          return closing;
        },
      };
      try {
        await body(sink);
      } catch (err) {
        failure = err;
      }
      await sink.closeExporter().catch((err: unknown) => {
        failure ??= new ConformanceError(
          `${options.name}: exporter.close() threw: ${(err as Error)?.message}`,
          {
            cause: err,
          },
        );
      });
    } catch (err) {
      failure ??= err;
    }
    try {
      await options.cleanup?.(context);
    } catch (err) {
      failure ??= err;
    }
    if (failure !== undefined) throw failure;
  }

  // ---- what landed, and how it compares --------------------------------------------------------

  async function decodeObject(object: StoredObject): Promise<unknown[]> {
    if (options.decode) return [...(await options.decode(object))];
    const text = decodeUtf8(object.bytes);
    if (text !== '' && !text.endsWith('\n')) {
      throw new ConformanceError(`object '${object.name}': its last line has no terminating newline`);
    }
    if (format === 'json') return parseJsonLines(text);
    if (format === 'csv') return parseCsvRecords(text).map((record) => record.raw);
    throw new ConformanceError(
      `object '${object.name}': no decoder for format '${format}': pass the decode option or return events from readBack()`,
    );
  }

  async function land(sink: Sink, expectedEvents: number): Promise<Landed> {
    const read = await options.readBack(sink.context, { expectedEvents });
    if (
      typeof read !== 'object' ||
      read === null ||
      (read.objects === undefined && read.events === undefined)
    ) {
      throw new TypeError(`${options.name}: readBack() must return { objects } or { events }`);
    }
    if (read.events !== undefined) return { objects: read.objects, items: [...read.events] };
    const items: unknown[] = [];
    for (const object of read.objects ?? []) {
      try {
        items.push(...(await decodeObject(object)));
      } catch (err) {
        if (err instanceof ConformanceError) throw err;
        throw new ConformanceError(
          `object '${object.name}' cannot be read as ${format}: ${(err as Error).message}`,
        );
      }
    }
    return { objects: read.objects, items };
  }

  const expectedItem = (event: ExportableEvent): unknown =>
    lossless ? expectedRecord(event) : goffCsvRow(event, template).replace(/\r?\n$/, '');
  const itemKey = (item: unknown): string => (lossless ? canonicalJson(item) : String(item));

  /** Every event exactly once, every field intact (lossless) or its row exactly as GO Feature Flag's template writes it (CSV). */
  function verify(label: string, events: readonly ExportableEvent[], landed: Landed): void {
    const expected = events.map(expectedItem);
    const { matched } = assertExactlyOnce(label, expected, landed.items, itemKey);
    if (format !== 'json') return;
    // GO Feature Flag users diff files and rely on key order: "compatible" means same keys, same order.
    for (const { expected: want, actual } of matched) {
      const wantKeys = Object.keys(want as object).join(',');
      const gotKeys = Object.keys(actual as object).join(',');
      if (wantKeys !== gotKeys) {
        throw new ConformanceError(
          `${label}: keys out of GO Feature Flag's order for userKey ${preview((want as { userKey?: unknown }).userKey)}: expected ${wantKeys}, got ${gotKeys}`,
        );
      }
    }
  }

  /** Blob sinks: one object per batch, no empty object. */
  function verifyObjects(label: string, sink: Sink, landed: Landed, count: number): void {
    if (!sink.bulk || landed.objects === undefined) return;
    const names = landed.objects.map((o) => o.name);
    if (names.length !== count) {
      throw new ConformanceError(
        `${label}: expected ${count} object(s), one per batch, found ${names.length}: ${names.slice(0, 5).join(', ')}`,
      );
    }
    if (new Set(names).size !== names.length)
      throw new ConformanceError(`${label}: two objects share a name`);
    const empty = landed.objects.find((o) => o.bytes.length === 0);
    if (empty)
      throw new ConformanceError(
        `${label}: object '${empty.name}' is empty: an empty batch must write nothing`,
      );
  }

  // ---- two ways to export: directly, as core would call, and through a DataExporter --------------

  interface Attempt {
    batchId: string;
    attempt: number;
    batchCreatedAt: number;
  }

  /** Calls export() as DataExporter does: the whole batch (bulk) or one event per call (streaming). Returns the rejected indexes. */
  async function exportDirect(
    sink: Sink,
    events: readonly ExportableEvent[],
    attempt: Attempt,
  ): Promise<number[]> {
    const call = async (batch: readonly ExportableEvent[], batchId: string): Promise<ExportResult> => {
      try {
        return await sink.exporter.export(batch, exportContext({ ...attempt, batchId, timeoutMs }));
      } catch (err) {
        throw new ConformanceError(
          `${options.name}: export() of ${batch.length} event(s), batch ${batchId} attempt ${attempt.attempt}, threw: ${(err as Error)?.message ?? String(err)}`,
          { cause: err },
        );
      }
    };
    if (sink.bulk) return [...((await call(events, attempt.batchId))?.rejected ?? [])];
    const rejected: number[] = [];
    for (let i = 0; i < events.length; i++) {
      const result = await call([events[i] as ExportableEvent], `${attempt.batchId}-${i}`);
      if ((result?.rejected ?? []).includes(0)) rejected.push(i);
    }
    return rejected;
  }

  async function exportAll(sink: Sink, events: readonly ExportableEvent[], attempt?: Attempt): Promise<void> {
    const rejected = await exportDirect(sink, events, attempt ?? newAttempt());
    if (rejected.length > 0) {
      throw new ConformanceError(
        `${options.name}: export() rejected ${rejected.length} serialisable event(s), first ${preview(events[rejected[0] as number])}`,
      );
    }
  }

  const newAttempt = (): Attempt => ({ batchId: nextBatchId(), attempt: 1, batchCreatedAt: Date.now() });

  /** A DataExporter over the sink's exporter as a user would wire it, with one attempt per batch so failures show. */
  function dataExporter(
    sink: Sink,
    maxEventsInMemory: number,
    eventType: 'feature' | 'tracking' = 'feature',
  ) {
    const logger = recordingLogger();
    const data = new DataExporter({
      exporter: {
        isBulk: () => sink.bulk,
        export: (events, context) => sink.exporter.export(events, context),
        close: () => sink.closeExporter(),
      },
      name: options.name,
      eventType,
      maxEventsInMemory,
      flushIntervalMs: NEVER,
      exportTimeoutMs: timeoutMs,
      retry: { maxAttempts: 1 },
      logger,
      exportAtExit: false,
    });
    return { data, logger };
  }

  function verifyStats(
    label: string,
    stats: ExporterStats,
    want: { exported: number; failed: number },
    logger: ReturnType<typeof recordingLogger>,
  ): void {
    const received = want.exported + want.failed;
    if (
      stats.received !== received ||
      stats.exported !== want.exported ||
      stats.failed !== want.failed ||
      stats.dropped !== 0 ||
      stats.pending !== 0
    ) {
      throw new ConformanceError(
        `${label}: DataExporter stats ${JSON.stringify(stats)}, expected received ${received}, exported ${want.exported}, failed ${want.failed}, dropped 0, pending 0; core logged: ${logger.summary()}`,
      );
    }
  }

  // ---- the checks --------------------------------------------------------------------------------

  const checks: ConformanceCheck[] = [];
  const add = (title: string, run: () => Promise<void>, extra: Partial<ConformanceCheck> = {}) => {
    checks.push({ title, timeoutMs, run, ...extra });
  };
  const skipIf = (...flags: (keyof ConformanceCapabilities)[]) => {
    const flag = flags.find((f) => capabilities[f] === true);
    return flag === undefined ? {} : { skip: flag };
  };

  for (const group of edgeCaseGroups()) {
    const title = lossless
      ? `edge cases: ${group.name} arrive exactly once, every field intact`
      : `edge cases: ${group.name} arrive exactly once, as GO Feature Flag's CSV rows`;
    const megabyte = group.name.includes('1 MB');
    add(
      title,
      () =>
        withSink(title, async (sink) => {
          await exportAll(sink, group.events);
          const landed = await land(sink, group.events.length);
          verify(group.name, group.events, landed);
          verifyObjects(group.name, sink, landed, 1);
        }),
      megabyte ? skipIf('megabyteValueOverSinkLimit') : {},
    );
  }

  if (!lossless && template === GOFF_CSV_TEMPLATE) {
    const title = 'CSV: values holding ;, " or a line break are quoted RFC 4180-style and read back intact';
    add(title, () =>
      withSink(title, async (sink) => {
        const group = edgeCaseGroups().find((g) => g.name.startsWith('quotes')) as {
          events: ExportableEvent[];
        };
        const events = group.events.filter((e) => e.kind === 'feature');
        await exportAll(sink, events);
        const read = await options.readBack(sink.context, { expectedEvents: events.length });
        const rows = (read.objects ?? []).flatMap((object) => parseCsv(object.bytes));
        for (const event of events) {
          const want = [
            event.kind,
            event.contextKind,
            event.userKey,
            String(event.creationDate),
            event.key,
            event.variation,
            goffCsvText(event.value ?? '<no value>'),
            String(event.default),
            event.source,
          ];
          const found = rows.filter((row) => row[2] === event.userKey);
          if (found.length !== 1) {
            throw new ConformanceError(
              `CSV: ${found.length} rows with userKey ${preview(event.userKey)} after RFC 4180 parsing, expected 1`,
            );
          }
          if (canonicalJson(found[0]) !== canonicalJson(want)) {
            throw new ConformanceError(
              `CSV row read back as ${preview(found[0])}, expected ${preview(want)}`,
            );
          }
        }
      }),
    );
  }

  for (const size of new Set([1, 10_000, largeBatch])) {
    const large = size === largeBatch && size > 10_000;
    const title = `a batch of ${size.toLocaleString('en-US')} event${size === 1 ? '' : 's'} through a DataExporter lands exactly once`;
    add(
      title,
      () =>
        withSink(title, async (sink) => {
          const events = sampleEvents(size, { seed: 10 + size });
          const { data, logger } = dataExporter(sink, size);
          for (const event of events) data.add(event);
          await data.flush({ timeoutMs: (large ? 4 : 1) * timeoutMs * 0.8 });
          verifyStats(title, data.stats(), { exported: size, failed: 0 }, logger);
          const landed = await land(sink, size);
          verify(title, events, landed);
          verifyObjects(title, sink, landed, 1);
          await data.close();
        }),
      { timeoutMs: (large ? 4 : 1) * timeoutMs, ...(large ? skipIf('largeBatchTooSlowForTestPeer') : {}) },
    );
  }

  {
    const title = 'an empty batch writes nothing';
    add(title, () =>
      withSink(title, async (sink) => {
        // Core never hands a streaming exporter an empty call, so only bulk exporters get one.
        if (sink.bulk) await exportAll(sink, []);
        const { data, logger } = dataExporter(sink, 10);
        await data.flush();
        await data.close();
        verifyStats(title, data.stats(), { exported: 0, failed: 0 }, logger);
        const landed = await land(sink, 0);
        if (landed.items.length > 0 || (landed.objects?.length ?? 0) > 0) {
          throw new ConformanceError(
            `${title}: found ${landed.items.length} event(s) in ${landed.objects?.length ?? 0} object(s): ${(landed.objects ?? []).map((o) => `'${o.name}' (${o.bytes.length} bytes)`).join(', ')}`,
          );
        }
      }),
    );
  }

  {
    const title = 'a retried batch (same batchId, attempt 2 after a write that landed) is not duplicated';
    add(
      title,
      () =>
        withSink(title, async (sink) => {
          const events = sampleEvents(20, { seed: 3 });
          const first = newAttempt();
          await exportAll(sink, events, first);
          // Core retries after a timeout whose write actually landed: same batch, same id, attempt 2.
          await exportAll(sink, events, { ...first, attempt: 2 });
          const landed = await land(sink, events.length);
          verify(title, events, landed);
          verifyObjects(title, sink, landed, 1);
        }),
      skipIf('createOnlyUnsupportedByEmulator', 'retryDuplicatesDocumentedForSink'),
    );
  }

  {
    const title = 'two batches cut in the same second both land';
    add(title, () =>
      withSink(title, async (sink) => {
        const a = sampleEvents(5, { seed: 4 });
        const b = sampleEvents(5, { seed: 5 });
        const at = Date.now();
        await exportAll(sink, a, { batchId: nextBatchId(), attempt: 1, batchCreatedAt: at });
        await exportAll(sink, b, { batchId: nextBatchId(), attempt: 1, batchCreatedAt: at });
        const landed = await land(sink, a.length + b.length);
        verify(title, [...a, ...b], landed);
        verifyObjects(title, sink, landed, 2);
      }),
    );
  }

  {
    const title = 'close() drains: events buffered under a long flushIntervalMs are all exported';
    add(title, () =>
      withSink(title, async (sink) => {
        const events = sampleEvents(250, { seed: 6 });
        const { data, logger } = dataExporter(sink, 1_000);
        for (const event of events) data.add(event);
        await data.close({ timeoutMs: timeoutMs * 0.8 });
        verifyStats(title, data.stats(), { exported: events.length, failed: 0 }, logger);
        const landed = await land(sink, events.length);
        verify(title, events, landed);
        verifyObjects(title, sink, landed, 1);
      }),
    );
  }

  {
    const title =
      'unserialisable events (BigInt, cycle) are counted failed and the rest of their batch lands';
    add(title, () =>
      withSink(title, async (sink) => {
        const { events, invalid } = unserialisableBatch(lossless);
        const good = events.filter((_, i) => !invalid.includes(i));
        const { data, logger } = dataExporter(sink, events.length);
        for (const event of events) data.add(event);
        await data.flush({ timeoutMs: timeoutMs * 0.8 });
        verifyStats(title, data.stats(), { exported: good.length, failed: invalid.length }, logger);
        const landed = await land(sink, good.length);
        verify(title, good, landed);
        verifyObjects(title, sink, landed, 1);
        await data.close();
      }),
    );
  }

  {
    const stall = options.stallSink;
    const title = `an attempt settles within ${ABORT_SETTLE_MS} ms of its signal aborting (${stall ? 'sink stalled' : 'mid-batch'})`;
    add(title, () =>
      withSink(title, async (sink) => {
        // Against a hung sink a few events are enough; without one, a batch large enough to be mid-write.
        const events = sampleEvents(stall ? 20 : Math.min(largeBatch, 50_000), { seed: 8 });
        const batch = sink.bulk ? events : events.slice(0, 1);
        const attempt = newAttempt();
        const undo = stall ? await stall(sink.context) : undefined;
        const controller = new AbortController();
        let settled: { ok: boolean; error?: unknown } | undefined;
        const outcome = Promise.resolve()
          .then(() =>
            sink.exporter.export(batch, exportContext({ ...attempt, signal: controller.signal, timeoutMs })),
          )
          .then(
            () => {
              settled = { ok: true };
            },
            (error: unknown) => {
              settled = { ok: false, error };
            },
          );
        await sleep(stall ? 300 : 20);
        const abortedAt = performance.now();
        controller.abort(new Error('conformance check: the attempt timed out'));
        await Promise.race([outcome, sleep(ABORT_SETTLE_MS)]);
        const tookMs = Math.round(performance.now() - abortedAt);
        const late = settled === undefined;
        await undo?.();
        if (late) {
          await Promise.race([outcome, sleep(timeoutMs / 4)]);
          throw new ConformanceError(
            `${options.name}: export() had not settled ${ABORT_SETTLE_MS} ms after its signal aborted (${stall ? 'sink stalled' : `a batch of ${batch.length}`}): pass context.signal to every call that can wait (the SDK's abortSignal, fetch's signal, a stream's destroy) and stop reading the body once it aborts; until it settles, DataExporter sends nothing else`,
          );
        }
        if (stall && settled?.ok) {
          throw new ConformanceError(
            `${options.name}: export() resolved ${tookMs} ms after its signal aborted although the sink was stalled: an attempt the sink never confirmed must reject, or the batch is counted exported without being delivered`,
          );
        }
        // The exporter is still usable, and a retry of the aborted batch lands it exactly once.
        if (capabilities.createOnlyUnsupportedByEmulator || capabilities.retryDuplicatesDocumentedForSink)
          return;
        await exportAll(sink, batch, { ...attempt, attempt: 2 });
        const landed = await land(sink, batch.length);
        verify(title, batch, landed);
        verifyObjects(title, sink, landed, 1);
      }),
    );
  }

  return checks;
}
