import type { ExportableEvent } from '@ff/exporter-core';

/**
 * What an attempt does with a run of `count` consecutive events of its batch:
 * - `pack`: never sent yet: cut by size into requests keyed `<batchId>-<part>`, `<part>` counted from `part`;
 * - `send`: one request, exactly as an earlier attempt sent it, under its key;
 * - `reject`: found unserialisable in a request that was delivered: counted failed, not sent.
 */
export type Step =
  | { kind: 'pack'; count: number; part: number }
  | { kind: 'send'; count: number; key: string }
  | { kind: 'reject'; count: number };

type Placed<S> = S extends Step ? Omit<S, 'count'> & { start: number; end: number } : never;

/** A step placed on this attempt's events: `start` to `end` (exclusive). */
export type WorkItem = Placed<Step>;

type Kept = Step & { first: ExportableEvent | undefined };

/** Batches remembered at most: one is in flight per DataExporter; a batch core gave up on is forgotten in time. */
const KEPT_BATCHES = 64;

/**
 * The steps left of each batch whose attempt failed part way, so that its retry sends the same
 * requests under the same keys. Core retries with the undelivered events in their order, so the steps
 * are kept as counts; each step's first event is kept to check that the retry is that batch.
 */
export class StepMemory {
  readonly #batches = new Map<string, Kept[]>();

  /** The steps left of `batchId` when `events` are what they were kept for; undefined otherwise. */
  take(batchId: string, events: readonly ExportableEvent[]): Step[] | undefined {
    const kept = this.#batches.get(batchId);
    if (kept === undefined) return undefined;
    let offset = 0;
    for (const step of kept) {
      if (events[offset] !== step.first) return undefined;
      offset += step.count;
    }
    if (offset !== events.length) return undefined;
    return kept.map(({ first: _, ...step }) => step as Step);
  }

  /**
   * After a retryable failure: `rejected` are this attempt's unserialisable events, `remaining` what was
   * not delivered, in order. Both are reported undelivered, so the retry's events are these, in order.
   */
  keep(
    batchId: string,
    events: readonly ExportableEvent[],
    rejected: readonly number[],
    remaining: readonly WorkItem[],
  ): void {
    const from = remaining[0]?.start ?? events.length;
    const earlier = rejected.filter((i) => i < from);
    const kept: Kept[] = [];
    if (earlier.length > 0)
      kept.push({ kind: 'reject', count: earlier.length, first: events[earlier[0] as number] });
    for (const { start, end, ...step } of remaining) {
      if (end > start) kept.push({ ...step, count: end - start, first: events[start] } as Kept);
    }
    this.#batches.delete(batchId);
    this.#batches.set(batchId, kept);
    if (this.#batches.size > KEPT_BATCHES) this.#batches.delete(this.#batches.keys().next().value as string);
  }

  forget(batchId: string): void {
    this.#batches.delete(batchId);
  }

  clear(): void {
    this.#batches.clear();
  }

  /** Steps laid end to end over the events, in order. */
  static place(steps: readonly Step[], events: readonly ExportableEvent[]): WorkItem[] {
    let start = 0;
    const items = steps.map(({ count, ...step }) => {
      const item = { ...step, start, end: start + count } as WorkItem;
      start += count;
      return item;
    });
    if (start !== events.length) throw new Error('webhook steps do not cover the batch');
    return items;
  }
}
