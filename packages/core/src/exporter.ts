import type { ExportableEvent } from './events.js';
import type { Logger } from './logger.js';

/** What one export attempt knows about itself. */
export interface ExportContext {
  /** One per attempt: aborted by the export timeout, the close deadline or the caller. */
  signal: AbortSignal;
  /** The DataExporter's logger (pino-style). */
  logger: Logger;
  /** Fixed when the batch is cut, the same on every retry: make retries idempotent with it. */
  batchId: string;
  /** 1 for the first attempt of a batch. */
  attempt: number;
  /** Epoch ms by which this attempt must be over. */
  deadline: number;
  /** Epoch ms at which the batch was cut; the same on every retry (object names use it). */
  batchCreatedAt: number;
}

/** What `export()` may resolve with. `rejected`: indexes the sink refused for good (counted failed, never retried). */
// biome-ignore lint/suspicious/noConfusingVoidType: DESIGN §3 lets export() resolve with nothing
export type ExportResult = void | { rejected?: readonly number[] };

/**
 * Batching an exporter prefers, read once by DataExporter at construction; options given to
 * DataExporter explicitly win. Kafka, for one, wants a short flush interval (its linger).
 */
export interface BatchingDefaults {
  /** See DataExporterOptions.flushIntervalMs. */
  flushIntervalMs?: number;
  /** See DataExporterOptions.maxEventsInMemory. */
  maxEventsInMemory?: number;
  /** See DataExporterOptions.maxPendingEvents. */
  maxPendingEvents?: number;
  /** See DataExporterOptions.exportTimeoutMs. */
  exportTimeoutMs?: number;
}

/** A sink. Bulk exporters get batches; streaming ones (`isBulk() === false`) one event per call. */
export interface Exporter<E extends ExportableEvent = ExportableEvent> {
  /** Read once, at construction of the DataExporter. */
  isBulk(): boolean;
  /** The batching this exporter prefers; see BatchingDefaults. */
  readonly batchingDefaults?: BatchingDefaults;
  /**
   * Delivers `events` (one for a streaming exporter). Resolve when the sink confirmed them, with
   * `{ rejected }` for those it refused for good; throw an ExportError to classify a failure.
   * Settle soon after `context.signal` aborts.
   */
  export(events: readonly E[], context: ExportContext): Promise<ExportResult>;
  /** Releases the sink (connections, clients); bounded by the DataExporter's close deadline. */
  close?(): Promise<void>;
}
