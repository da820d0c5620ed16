import type { DataExporter, ExporterStats } from './data-exporter.js';
import type { ExportableEvent } from './events.js';

/** One stream of events into several DataExporters, each with its own policy, bound and stats. */
export interface FanOut<E extends ExportableEvent = ExportableEvent> {
  readonly members: readonly DataExporter<E>[];
  add(event: E): void;
  flush(options?: { timeoutMs?: number }): Promise<void>;
  close(options?: { timeoutMs?: number }): Promise<void>;
  /** Per member, keyed by its name. */
  stats(): Record<string, ExporterStats>;
  [Symbol.asyncDispose](): Promise<void>;
}

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
