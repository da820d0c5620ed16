import { backoffDelay, sleep } from './backoff.js';
import { nextBatchId } from './batch-id.js';
import { type DiagnosticsMessage, diagnostics } from './diagnostics.js';
import type { ExportableEvent } from './events.js';
import { closeAtExit, forgetAtExit } from './exit-hook.js';
import { ExportError, isExportError } from './export-error.js';
import type { ExportContext, ExportResult } from './exporter.js';
import { Fifo } from './fifo.js';
import { type DataExporterOptions, type ResolvedOptions, resolveOptions } from './options.js';

export interface ExporterStats {
  /** Events given to add() (of this DataExporter's eventType). */
  received: number;
  /** Confirmed delivered by the exporter. */
  exported: number;
  /** Never attempted: the bound was full, or they came after close(). */
  dropped: number;
  /** Attempted and not confirmed delivered: retries exhausted, non-retryable, rejected, unserialisable, unfinished at the close deadline. */
  failed: number;
  /** Held now, buffered and in flight. received = exported + dropped + failed + pending, at every moment. */
  pending: number;
  /** Retry attempts (first attempts not counted). */
  retries: number;
}

interface Batch<E> {
  id: string;
  /** What is left to deliver: partial success narrows it. */
  events: readonly E[];
  /** Index, in accepted order, of the batch's first event: flush() waits by it. */
  firstSeq: number;
  createdAt: number;
  attempt: number;
  /** Set when the close deadline counted this batch as failed: later outcomes are ignored. */
  abandoned: boolean;
  /** Aborts the running attempt. */
  controller?: AbortController;
}

interface FlushWaiter {
  target: number;
  resolve: () => void;
  /** flush({ timeoutMs })'s timer: cleared when the waiter resolves, so it never holds the process open. */
  timer?: NodeJS.Timeout;
}

/**
 * The batching cache: collects events with `add()`, cuts batches, hands them to an exporter with
 * retries, and keeps memory within `maxPendingEvents`. See DESIGN.md §4 for every rule it keeps.
 */
export class DataExporter<E extends ExportableEvent = ExportableEvent> {
  readonly name: string;
  readonly #options: ResolvedOptions<E>;
  readonly #bulk: boolean;
  readonly #kind: E['kind'];
  /** Buffered events; its length reaching #cutAt cuts a batch (bulk) or wakes the dispatcher (streaming). */
  #buffer: E[] = [];
  readonly #cutAt: number;
  /** maxPendingEvents, or 0 once closed so that add() drops with the same single comparison. */
  #capacity: number;
  /** Events cut into batches and not yet settled. */
  #inFlight = 0;
  #received = 0;
  #exported = 0;
  #dropped = 0;
  #failed = 0;
  #retries = 0;
  /** Events cut so far: a bulk batch's firstSeq counts from it. */
  #seq = 0;
  /** Streaming: events dispatched so far; the backlog holds the cut ones after them. */
  #streamSeq = 0;
  #droppedInEpisode = 0;
  readonly #queue: Batch<E>[] = [];
  /** Streaming only: events taken from the buffer, waiting for a free slot. */
  readonly #backlog = new Fifo<E>();
  readonly #active = new Set<Batch<E>>();
  readonly #concurrency: number;
  #dispatchScheduled = false;
  #waiters: FlushWaiter[] = [];
  readonly #timer: NodeJS.Timeout;
  /** Aborted when close() starts: cuts backoff sleeps short. */
  readonly #closing = new AbortController();
  #closeDeadline = Number.POSITIVE_INFINITY;
  #closed?: Promise<void>;

  constructor(options: DataExporterOptions<E>) {
    this.#options = resolveOptions(options);
    this.name = this.#options.name;
    this.#kind = this.#options.eventType as E['kind'];
    this.#bulk = this.#options.exporter.isBulk() === true;
    this.#cutAt = this.#bulk ? this.#options.maxEventsInMemory : 1;
    this.#capacity = this.#options.maxPendingEvents;
    this.#concurrency = this.#bulk ? 1 : this.#options.streamConcurrency;
    this.#timer = setInterval(() => this.#cut(), this.#options.flushIntervalMs);
    this.#timer.unref();
    if (this.#options.exportAtExit) closeAtExit(this);
  }

  /** Records one event. Synchronous and O(1); never throws, never waits for the sink. */
  add(event: E): void {
    if (event?.kind !== this.#kind) return;
    this.#received++;
    if (this.#buffer.length + this.#inFlight >= this.#capacity) {
      this.#drop();
      return;
    }
    if (this.#buffer.push(event) >= this.#cutAt) this.#bufferFull();
  }

  /** Resolves when every event added before the call is exported or failed, or at `timeoutMs`. Never rejects. */
  flush(options: { timeoutMs?: number } = {}): Promise<void> {
    this.#cut();
    const target = this.#seq;
    if (this.#reached(target)) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const waiter: FlushWaiter = { target, resolve };
      this.#waiters.push(waiter);
      if (options.timeoutMs !== undefined) {
        waiter.timer = setTimeout(() => {
          this.#waiters = this.#waiters.filter((w) => w !== waiter);
          resolve();
        }, options.timeoutMs);
      }
    });
  }

  /**
   * Stops accepting, exports what is held (backoffs cut short, one last attempt each) and closes the
   * exporter. What is unfinished at the deadline (default closeTimeoutMs) counts as failed. Idempotent.
   */
  close(options: { timeoutMs?: number } = {}): Promise<void> {
    this.#closed ??= this.#close(options.timeoutMs ?? this.#options.closeTimeoutMs);
    return this.#closed;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  stats(): ExporterStats {
    return {
      received: this.#received,
      exported: this.#exported,
      dropped: this.#dropped,
      failed: this.#failed,
      pending: this.#buffer.length + this.#inFlight,
      retries: this.#retries,
    };
  }

  async #close(timeoutMs: number): Promise<void> {
    forgetAtExit(this);
    clearInterval(this.#timer);
    this.#capacity = 0;
    this.#droppedInEpisode = 0; // the next drop is of another kind: warn about it once
    this.#closeDeadline = Date.now() + timeoutMs;
    this.#closing.abort();
    const drained = this.flush();
    let deadline: NodeJS.Timeout | undefined;
    const expired = new Promise<boolean>((resolve) => {
      deadline = setTimeout(() => resolve(true), timeoutMs);
    });
    const timedOut = await Promise.race([drained.then(() => false), expired]);
    clearTimeout(deadline);
    if (timedOut) this.#abandonAll();
    // The exporter gets what is left of the deadline, and at least a second, to release its sink.
    const left = Math.max(1_000, this.#closeDeadline - Date.now());
    let closeTimer: NodeJS.Timeout | undefined;
    const closed = Promise.resolve()
      .then(() => this.#options.exporter.close?.())
      .then(
        () => 'closed',
        (err: unknown) => this.#options.logger.warn({ err, exporter: this.name }, 'exporter close failed'),
      );
    const late = new Promise((resolve) => {
      closeTimer = setTimeout(() => resolve('late'), left);
    });
    if ((await Promise.race([closed, late])) === 'late') {
      this.#options.logger.warn(
        { exporter: this.name, waitedMs: left },
        'exporter close did not finish in time',
      );
    }
    clearTimeout(closeTimer);
  }

  /** The close deadline: everything still held counts as failed, running attempts are aborted. */
  #abandonAll(): void {
    this.#cut();
    let count = this.#backlog.length;
    for (const batch of [...this.#active, ...this.#queue]) {
      batch.abandoned = true;
      batch.controller?.abort(new ExportError(`close deadline reached (${this.name})`));
      count += batch.events.length;
    }
    this.#backlog.clear();
    this.#queue.length = 0;
    this.#active.clear();
    if (count > 0) {
      this.#options.logger.error(
        { exporter: this.name, events: count },
        `close deadline reached: ${count} events not delivered, counted as failed`,
      );
      if (diagnostics.failed.hasSubscribers)
        diagnostics.failed.publish({ exporter: this.name, events: count });
    }
    this.#settle(0, count);
  }

  #drop(): void {
    this.#dropped++;
    if (this.#droppedInEpisode++ === 0) {
      this.#options.logger.warn(
        { exporter: this.name, maxPendingEvents: this.#options.maxPendingEvents },
        this.#capacity > 0
          ? 'maxPendingEvents reached: dropping new events until the sink catches up'
          : 'add() after close(): the events are dropped and counted',
      );
    }
    if (diagnostics.dropped.hasSubscribers) {
      diagnostics.dropped.publish({ exporter: this.name, events: 1 } satisfies DiagnosticsMessage);
    }
  }

  #bufferFull(): void {
    if (this.#bulk) {
      this.#cut();
    } else if (!this.#dispatchScheduled && this.#active.size < this.#concurrency) {
      // Streaming: wake the dispatcher only when a slot is free; a finishing export takes the next
      // events itself, so a slow sink costs no microtask per event.
      this.#dispatchScheduled = true;
      queueMicrotask(() => this.#dispatch());
    }
  }

  /** Cuts the buffer into a batch (bulk) or into the backlog (streaming). */
  #cut(): void {
    const events = this.#buffer;
    if (events.length === 0) return;
    this.#buffer = [];
    this.#inFlight += events.length;
    if (this.#bulk) {
      this.#queue.push(newBatch(events, this.#seq));
      this.#seq += events.length;
    } else {
      this.#backlog.pushAll(events);
      this.#seq += events.length;
    }
    if (!this.#dispatchScheduled) {
      this.#dispatchScheduled = true;
      // Never export inside add(): the caller's stack stays cheap and free of the sink's work.
      queueMicrotask(() => this.#dispatch());
    }
  }

  #dispatch(): void {
    this.#dispatchScheduled = false;
    if (!this.#bulk) this.#cut();
    while (this.#active.size < this.#concurrency) {
      const batch = this.#queue.shift() ?? this.#nextStreamed();
      if (!batch) return;
      this.#active.add(batch);
      void this.#deliver(batch)
        // A bug of ours or an exporter's odd result must neither crash the host nor lose count.
        .catch((err: unknown) => {
          if (!batch.abandoned && batch.events.length > 0) this.#giveUp(batch, err, 'internal error');
        })
        .finally(() => {
          this.#active.delete(batch);
          this.#checkWaiters();
          this.#dispatch();
        });
    }
  }

  #nextStreamed(): Batch<E> | undefined {
    if (this.#backlog.length === 0) return undefined;
    return newBatch([this.#backlog.shift() as E], this.#streamSeq++);
  }

  /** Attempts one batch until it is delivered or failed; never rejects. */
  async #deliver(batch: Batch<E>): Promise<void> {
    const { exporter, retry, logger } = this.#options;
    const firstAttemptAt = Date.now();
    let lastChance = false;
    for (;;) {
      batch.attempt++;
      if (this.#closing.signal.aborted) lastChance = true;
      const controller = new AbortController();
      batch.controller = controller;
      const now = Date.now();
      const deadline = Math.min(now + this.#options.exportTimeoutMs, this.#closeDeadline);
      const timeout = setTimeout(
        () => controller.abort(new ExportError(`export timed out after ${deadline - now} ms`)),
        deadline - now,
      );
      const context: ExportContext = {
        // Node builds a controller's signal on first read: exporters that never look at it don't pay.
        get signal() {
          return controller.signal;
        },
        logger,
        batchId: batch.id,
        attempt: batch.attempt,
        deadline,
        batchCreatedAt: batch.createdAt,
      };
      let result: ExportResult | undefined;
      let error: unknown;
      try {
        result = await exporter.export(batch.events, context);
      } catch (err) {
        error = err ?? new Error('export rejected without a reason');
      } finally {
        clearTimeout(timeout);
      }
      if (batch.abandoned) return;
      if (error === undefined) return this.#delivered(batch, result);

      const classified = isExportError(error) ? error : undefined;
      if (Array.isArray(classified?.undelivered)) this.#narrow(batch, classified.undelivered);
      if (batch.events.length === 0) return this.#checkWaiters();
      const elapsed = Date.now() - firstAttemptAt;
      // Once close() has begun, no backoff or Retry-After is waited out: the last attempt comes at once.
      const delay = this.#closing.signal.aborted
        ? 0
        : Math.max(backoffDelay(retry, batch.attempt), classified?.retryAfterMs ?? 0);
      const reason =
        classified?.retryable === false
          ? 'non-retryable error'
          : lastChance
            ? 'last attempt at close failed'
            : batch.attempt >= retry.maxAttempts
              ? `${batch.attempt} attempts failed`
              : elapsed + delay > retry.maxElapsedMs
                ? `retries would exceed maxElapsedMs (${retry.maxElapsedMs})`
                : undefined;
      if (reason) return this.#giveUp(batch, error, reason);

      this.#retries++;
      logger.info(
        { err: error, exporter: this.name, batchId: batch.id, attempt: batch.attempt, delayMs: delay },
        'export failed, retrying',
      );
      if (diagnostics.retried.hasSubscribers) {
        diagnostics.retried.publish(this.#message(batch, batch.events.length, error));
      }
      await sleep(delay, this.#closing.signal);
      if (batch.abandoned) return;
    }
  }

  #delivered(batch: Batch<E>, result: ExportResult): void {
    const rejected = uniqueIndexes(result?.rejected, batch.events.length);
    const exported = batch.events.length - rejected.length;
    if (rejected.length > 0) {
      this.#options.logger.warn(
        { exporter: this.name, batchId: batch.id, rejected: rejected.length },
        `${rejected.length} of ${batch.events.length} events rejected by the sink (unserialisable or refused)`,
      );
      if (diagnostics.failed.hasSubscribers)
        diagnostics.failed.publish(this.#message(batch, rejected.length));
    }
    if (diagnostics.exported.hasSubscribers) diagnostics.exported.publish(this.#message(batch, exported));
    batch.events = [];
    this.#settle(exported, rejected.length);
  }

  /** Partial success: what was delivered settles now, the rest stays in the batch. */
  #narrow(batch: Batch<E>, undelivered: readonly number[]): void {
    const keep = uniqueIndexes(undelivered, batch.events.length);
    const delivered = batch.events.length - keep.length;
    if (delivered > 0 && diagnostics.exported.hasSubscribers) {
      diagnostics.exported.publish(this.#message(batch, delivered));
    }
    batch.events = keep.map((i) => batch.events[i] as E);
    this.#settle(delivered, 0);
  }

  #giveUp(batch: Batch<E>, error: unknown, reason: string): void {
    const count = batch.events.length;
    this.#options.logger.error(
      { err: error, exporter: this.name, batchId: batch.id, attempt: batch.attempt, events: count },
      `export failed (${reason}): ${count} events counted as failed`,
    );
    if (diagnostics.failed.hasSubscribers) diagnostics.failed.publish(this.#message(batch, count, error));
    batch.events = [];
    this.#settle(0, count);
  }

  #settle(exported: number, failed: number): void {
    this.#exported += exported;
    this.#failed += failed;
    this.#inFlight -= exported + failed;
    if (this.#droppedInEpisode > 0 && this.#capacity > 0) {
      this.#options.logger.info(
        { exporter: this.name, dropped: this.#droppedInEpisode },
        'accepting events again after dropping some',
      );
      this.#droppedInEpisode = 0;
    }
    this.#checkWaiters();
  }

  /** Every event cut before `target` (in cut order) is settled. */
  #reached(target: number): boolean {
    for (const batch of this.#queue) if (batch.firstSeq < target) return false;
    for (const batch of this.#active) if (batch.firstSeq < target && batch.events.length > 0) return false;
    return this.#backlog.length === 0 || this.#streamSeq >= target;
  }

  #checkWaiters(): void {
    if (this.#waiters.length === 0) return;
    this.#waiters = this.#waiters.filter((waiter) => {
      if (!this.#reached(waiter.target)) return true;
      clearTimeout(waiter.timer);
      waiter.resolve();
      return false;
    });
  }

  #message(batch: Batch<E>, events: number, error?: unknown): DiagnosticsMessage {
    const message: DiagnosticsMessage = {
      exporter: this.name,
      events,
      batchId: batch.id,
      attempt: batch.attempt,
    };
    if (error !== undefined) message.error = error;
    return message;
  }
}

/** A batch is named and timed once, when it is cut: its id and createdAt stay the same on every retry. */
function newBatch<E>(events: E[], firstSeq: number): Batch<E> {
  return { id: nextBatchId(), events, firstSeq, createdAt: Date.now(), attempt: 0, abandoned: false };
}

/** Valid, distinct indexes into a batch of `length`, ascending. */
function uniqueIndexes(indexes: readonly number[] | undefined, length: number): number[] {
  if (!Array.isArray(indexes) || indexes.length === 0) return [];
  return [...new Set(indexes)]
    .filter((i) => Number.isInteger(i) && i >= 0 && i < length)
    .sort((a, b) => a - b);
}
