import type { ExportableEvent } from '@ff/exporter-core';

/** Where recorded events go: a DataExporter, `fanOut(...)`, or anything else with `add()`. */
export interface EventSink<E extends ExportableEvent> {
  add(event: E): void;
}

/** Static metadata merged into each event, per-evaluation metadata winning on equal keys. */
export type ExporterMetadata = Readonly<Record<string, unknown>>;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function checkSink(option: string, sink: unknown): void {
  if (typeof (sink as { add?: unknown } | undefined)?.add !== 'function') {
    throw new TypeError(
      `${option} must have an add(event) method (a DataExporter or fanOut(...)), got ${String(sink)}`,
    );
  }
}

export function checkMetadata(option: string, metadata: unknown): ExporterMetadata | undefined {
  if (metadata === undefined) return undefined;
  if (!isRecord(metadata)) throw new TypeError(`${option} must be an object, got ${String(metadata)}`);
  // Frozen and shared by every event that carries no per-evaluation metadata: no copy per event.
  return Object.keys(metadata).length > 0 ? Object.freeze({ ...metadata }) : undefined;
}

/**
 * Adds without ever throwing into the caller (an evaluation, a track() call): a sink that throws
 * is reported once per episode of failures, then quiet until an add succeeds again.
 */
export class GuardedSink<E extends ExportableEvent> {
  readonly #sink: EventSink<E>;
  readonly #what: string;
  #failing = false;

  constructor(sink: EventSink<E>, what: string) {
    this.#sink = sink;
    this.#what = what;
  }

  /** `build` runs inside the guard too: a context with a hostile getter is reported, not thrown. */
  record(build: () => E | undefined, warn: (message: string, err: unknown) => void): void {
    try {
      const event = build();
      if (event === undefined) return;
      this.#sink.add(event);
      this.#failing = false;
    } catch (err) {
      if (this.#failing) return;
      this.#failing = true;
      try {
        warn(
          `@ff/openfeature-hook: recording ${this.#what} failed (further failures are not logged until one succeeds)`,
          err,
        );
      } catch {}
    }
  }
}
