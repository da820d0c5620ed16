import type { ExportableEvent } from '../events.js';

/** Called once per event that cannot be encoded (a BigInt, a cycle, …); the rest of the batch goes on. */
export type OnInvalidEvent = (index: number, error: Error) => void;

/** An output format: a value, so Parquet can live in its own package (`format: parquet()`). */
export interface Format {
  /** Lower-case name: the file extension and `{{ .Format}}` in names (`json`, `csv`, `parquet`). */
  readonly name: string;
  /** The objects' content type (`application/x-ndjson`, `text/csv`, `application/vnd.apache.parquet`). */
  readonly contentType: string;
  /**
   * Encodes a batch as a stream of chunks, never one giant buffer. Events that cannot be encoded are
   * reported to `onInvalid` and left out; when every event is left out, nothing is yielded.
   */
  encode(events: readonly ExportableEvent[], onInvalid: OnInvalidEvent): AsyncIterable<Uint8Array>;
}

/** True for a Format value (has a string `name` and an `encode` function), as `format` options accept. */
export function isFormat(value: unknown): value is Format {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Format).name === 'string' &&
    typeof (value as Format).encode === 'function'
  );
}

/** A thrown value as an Error, for `onInvalid` and logs. */
export function toError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}
