import type { DataExporter, ExporterStats } from './data-exporter.js';
import type { ExportableEvent } from './events.js';

/** One stream of events into several DataExporters, each with its own policy, bound and stats. */
export interface FanOut<E extends ExportableEvent = ExportableEvent> {
  /** The DataExporters, in the order given. */
  readonly members: readonly DataExporter<E>[];
  /** Adds the event to every member; never throws, as DataExporter.add(). */
  add(event: E): void;
  /** Flushes every member at once; resolves when all have, never rejects. */
  flush(options?: { timeoutMs?: number }): Promise<void>;
  /** Closes every member at once, each with the same deadline. */
  close(options?: { timeoutMs?: number }): Promise<void>;
  /** Per member, keyed by its name. */
  stats(): Record<string, ExporterStats>;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Sends each event to several DataExporters (a file and a webhook, say), each keeping its own
 * batching, retries, memory bound and stats: a slow or failing member never holds the others back.
 * Members need distinct names (their `name` option), which key `stats()`.
 */
export function fanOut<E extends ExportableEvent = ExportableEvent>(
  ...members: DataExporter<E>[]
): FanOut<E> {
  const names = new Set(members.map((m) => m.name));
  if (names.size !== members.length) {
    throw new TypeError('fanOut: every DataExporter needs a distinct name (set the name option)');
  }
  const close = async (options?: { timeoutMs?: number }) => {
    await Promise.all(members.map((m) => m.close(options)));
  };
  return {
    members,
    add(event) {
      for (let i = 0; i < members.length; i++) members[i]!.add(event);
    },
    async flush(options) {
      await Promise.all(members.map((m) => m.flush(options)));
    },
    close,
    stats: () => Object.fromEntries(members.map((m) => [m.name, m.stats()])),
    [Symbol.asyncDispose]: () => close(),
  };
}
