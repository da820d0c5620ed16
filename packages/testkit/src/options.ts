import type { ExportableEvent, Exporter } from '@ff/exporter-core';

/** One test's own place in the sink. `id` is fresh per test and safe as a bucket, container, topic or folder name. */
export interface SinkContext {
  /** Lower-case letters, digits and `-`, 3 to 40 characters, unique per test and per process. */
  id: string;
  /** The test's title, for logs. */
  title: string;
}

/** An object (file, blob) as it landed in the sink. */
export interface StoredObject {
  name: string;
  bytes: Uint8Array;
}

/**
 * What landed in the sink. Blob sinks return `objects` (the suite decodes them with the format);
 * a webhook or Kafka returns `events` (decoded records as received, e.g. the webhook body's `events`).
 * Give both when you have both: events are compared, objects are counted.
 */
export interface ReadBack {
  objects?: readonly StoredObject[];
  events?: readonly unknown[];
}

export interface ReadBackHint {
  /** How many events the test expects to have landed: a consumer may wait until it has seen that many (then a little more, to catch duplicates). */
  expectedEvents: number;
}

/**
 * Switches that turn tests off, each named after the reason. A switched-off test is reported as
 * skipped, with the switch in its title: never a silent pass.
 */
export interface ConformanceCapabilities {
  /** The test peer ignores create-only preconditions (If-None-Match, ifGenerationMatch, ifNoneMatch), so a replayed batch cannot be refused. Skips the retry test. */
  createOnlyUnsupportedByEmulator?: boolean;
  /** The sink cannot refuse a resent batch (webhook, Kafka) and the exporter documents it; receivers drop duplicates by batch id. Skips the retry test. */
  retryDuplicatesDocumentedForSink?: boolean;
  /** The test peer cannot take 100 000 events within a test's time. Skips that batch size. */
  largeBatchTooSlowForTestPeer?: boolean;
  /** The sink refuses messages of ~1 MB (Kafka's default message.max.bytes). Skips the ~1 MB value test. */
  megabyteValueOverSinkLimit?: boolean;
}

export const CAPABILITIES: readonly (keyof ConformanceCapabilities)[] = [
  'createOnlyUnsupportedByEmulator',
  'retryDuplicatesDocumentedForSink',
  'largeBatchTooSlowForTestPeer',
  'megabyteValueOverSinkLimit',
];

/** `json` and `parquet` are lossless (every field read back intact); `csv` is checked row by row against GO Feature Flag's template. */
export type ConformanceFormat = 'json' | 'csv' | 'parquet' | (string & {});

export interface ConformanceOptions {
  /** Shown in test titles and used as the DataExporter's name. */
  name: string;
  /** A fresh exporter writing to a fresh, isolated place in the real sink (use `sink.id`). Called once per test. */
  createExporter(sink: SinkContext): Exporter | Promise<Exporter>;
  /** What landed in that place, read from the real sink. Called after export() or flush() resolved. */
  readBack(sink: SinkContext, hint: ReadBackHint): ReadBack | Promise<ReadBack>;
  /** Removes the test's place (folder, bucket, topic). Called after each test, pass or fail. */
  cleanup?(sink: SinkContext): void | Promise<void>;
  /** The format the exporter writes. Default `'json'`. */
  format?: ConformanceFormat;
  /** The exporter's custom csvTemplate, if any (format `'csv'`). Default GO Feature Flag's template. */
  csvTemplate?: string;
  /** Decodes one object into records, for formats without a built-in decoder (Parquet: read it with DuckDB). */
  decode?(object: StoredObject): readonly unknown[] | Promise<readonly unknown[]>;
  /** The record a lossless sink should hold for an event. Default GO Feature Flag's JSON (`goffJsonRecord`). */
  expectedRecord?(event: ExportableEvent): unknown;
  /** Tests to switch off, each with its reason as its name. */
  capabilities?: ConformanceCapabilities;
  /** Events in the largest batch. Default 100_000. */
  largeBatchSize?: number;
  /** Time per test. Default 30_000; the largest batch gets four times as much. */
  timeoutMs?: number;
  /**
   * Makes the test's place in the sink stop answering (a sink that hangs: e.g. `proxy.blackhole()`
   * of the testkit's fault proxy in front of the peer) and returns how to undo it. With it, the
   * AbortSignal check exports to the hung sink, aborts the attempt's signal and expects export() to
   * reject soon. Without it, the check aborts the signal in the middle of a large batch.
   */
  stallSink?(sink: SinkContext): (() => void | Promise<void>) | Promise<() => void | Promise<void>>;
  /** Registered inside the suite's describe block: the exporter's own tests that need the same setup. */
  additionalTests?(): void;
}
