import { batchIdOf, nextBatchNumber } from './batch-id.js';
import type { ExportableEvent } from './events.js';
import type { ExportContext } from './exporter.js';
import type { Logger } from './logger.js';

/**
 * A batch on its way to the sink: cut once, retried in place. Streaming slots reuse one Batch for
 * event after event (reset by `load`), so a streamed event costs no batch object, id string or
 * clock read of its own unless the exporter asks for them.
 */
export class Batch<E extends ExportableEvent> {
  /** What is left to deliver: partial success narrows it. */
  events: readonly E[];
  /** Index, in accepted order, of the batch's first event: flush() waits by it. */
  firstSeq: number;
  createdAt: number;
  attempt = 0;
  /** Set when the close deadline counted this batch as failed: later outcomes are ignored. */
  abandoned = false;
  /** The running attempt, while there is one. */
  current: Attempt | undefined;
  /** The id's number, taken at the cut; the string is made only when someone reads it. */
  number: number;

  constructor(events: readonly E[], firstSeq: number, createdAt: number) {
    this.events = events;
    this.firstSeq = firstSeq;
    this.createdAt = createdAt;
    this.number = nextBatchNumber();
  }

  /** `<processId>-<number>`: the same on every retry. */
  get id(): string {
    return batchIdOf(this.number);
  }

  /** Reuses this batch for the next streamed event. */
  load(events: readonly E[], firstSeq: number, createdAt: number): void {
    this.events = events;
    this.firstSeq = firstSeq;
    this.createdAt = createdAt;
    this.attempt = 0;
    this.current = undefined;
    this.number = nextBatchNumber();
  }
}

/**
 * One attempt's ExportContext. Its AbortController is made on the first read of `signal` (Node
 * builds signals lazily too): exporters that never look at it cost nothing. Aborting before that
 * read is remembered, so a late reader gets an aborted signal.
 */
export class Attempt implements ExportContext {
  readonly logger: Logger;
  readonly attempt: number;
  deadline: number;
  readonly #number: number;
  #id: string | undefined;
  readonly #createdAt: number;
  #controller: AbortController | undefined;
  #reason: unknown;
  #aborted = false;

  constructor(batch: Batch<ExportableEvent>, logger: Logger, deadline: number) {
    this.#number = batch.number;
    this.logger = logger;
    this.attempt = batch.attempt;
    this.deadline = deadline;
    this.#createdAt = batch.createdAt;
  }

  get batchId(): string {
    this.#id ??= batchIdOf(this.#number);
    return this.#id;
  }

  get batchCreatedAt(): number {
    return this.#createdAt;
  }

  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  get aborted(): boolean {
    return this.#aborted;
  }

  abort(reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    this.#controller?.abort(reason);
  }
}
