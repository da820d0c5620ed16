import { channel } from 'node:diagnostics_channel';

/**
 * `node:diagnostics_channel` channels, for metrics libraries. Messages carry `exporter` (the
 * DataExporter's name) and `events` (how many), plus `batchId`, `attempt`, `error` where they apply.
 * Publishing costs nothing while nobody subscribes.
 */
export const diagnostics = {
  /** A batch (or what was left of it) was delivered. */
  exported: channel('ff-exporter:exported'),
  /** Events were given up on: retries exhausted, non-retryable error, rejected, or the close deadline. */
  failed: channel('ff-exporter:failed'),
  /** An attempt failed and another is scheduled. */
  retried: channel('ff-exporter:retried'),
  /** Events were dropped on arrival: the bound was full, or the DataExporter was closed. */
  dropped: channel('ff-exporter:dropped'),
} as const;

/** What every `diagnostics` channel publishes, after the counters of `stats()` have changed. */
export interface DiagnosticsMessage {
  /** The DataExporter's name (its `name` option). */
  exporter: string;
  /** How many events the message is about. */
  events: number;
  /** The batch, where one applies (not for drops on arrival). */
  batchId?: string;
  /** The attempt number, 1 for the first, where one applies. */
  attempt?: number;
  /** What failed, for `failed` and `retried`. */
  error?: unknown;
}
