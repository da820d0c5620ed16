import { backoffDelay } from './backoff.js';
import { Attempt, Batch } from './batch.js';
import { type DiagnosticsMessage, diagnostics } from './diagnostics.js';
import type { ExportableEvent } from './events.js';
import { closeAtExit, forgetAtExit } from './exit-hook.js';
import { ExportError, isExportError } from './export-error.js';
import type { ExportResult } from './exporter.js';
import { Fifo } from './fifo.js';
import { callTimeout, type DataExporterOptions, type ResolvedOptions, resolveOptions } from './options.js';
import { MAX_TIMER_MS, nextTurn } from './timers.js';

/** What a DataExporter did so far. `received = exported + dropped + failed + pending`, at every moment. */
export interface ExporterStats {
  /** Events given to add() (of this DataExporter's eventType). */
  received: number;
  /** Confirmed delivered by the exporter. */
  exported: number;
  /** Never attempted: the bound was full, or they came after close(). */
  dropped: number;
  /**
   * Attempted and not confirmed delivered: retries exhausted, non-retryable, rejected, unserialisable,
   * unreadable (an event that threw when add() looked at it), unfinished at the close deadline.
   */
  failed: number;
  /** Held now, buffered and in flight. */
  pending: number;
  /** Retry attempts (first attempts not counted). */
  retries: number;
}

interface FlushWaiter {
  target: number;
  resolve: () => void;
  /** flush({ timeoutMs })'s timer: unref'd, and cleared when the waiter resolves. */
  timer?: NodeJS.Timeout;
}

/** Streamed events delivered between two turns of the event loop, so a long backlog never starves it. */
const STREAM_YIELD_EVERY = 256;
/** While closing, backoff is at most this (or initialDelayMs if smaller): the deadline is what bounds retries. */
const CLOSE_BACKOFF_CAP_MS = 1_000;
/** Closer than this to the close deadline, the next attempt is the last. */
const CLOSE_LAST_ATTEMPT_MS = 20;
/** A drop episode ends only once the held events fall below this share of maxPendingEvents. */
const EPISODE_ENDS_BELOW = 0.9;

/**
 * The batching cache: collects events with `add()`, cuts batches, hands them to an exporter with
 * retries, and keeps memory within `maxPendingEvents`. See DESIGN.md §4 for every rule it keeps.
 *
 * @example
 * const evaluations = new DataExporter({ exporter: new FileExporter({ outputDir: './out' }) });
 * evaluations.add(createFeatureEvent('new-checkout', { targetingKey: 'user-1' }, { value: true }));
 * await evaluations.close();
 */
export class DataExporter<E extends ExportableEvent = ExportableEvent> {
  /** In logs, stats and diagnostics. */
  readonly name: string;
  readonly #options: ResolvedOptions<E>;
  readonly #bulk: boolean;
  readonly #kind: E['kind'];
  /** Buffered events; its length reaching #cutAt cuts a batch (bulk) or wakes a stream slot. */
  #buffer: E[] = [];
  readonly #cutAt: number;
  /** maxPendingEvents, or 0 once closed so that add() drops with the same single comparison. */
  #capacity: number;
  /** Events cut into batches (or the stream backlog) and not yet settled. */
  #inFlight = 0;
  #received = 0;
  #exported = 0;
  #dropped = 0;
  #failed = 0;
  #retries = 0;
  /** Events cut so far, in accepted order: flush() waits for a target in this count. */
  #seq = 0;
  /** Streaming: events taken from the backlog so far. */
  #streamSeq = 0;
  #droppedInEpisode = 0;
  /** Warnings given once per DataExporter (exporter bugs, unreadable events). */
  readonly #warned = new Set<string>();
  readonly #queue: Batch<E>[] = [];
  /** Streaming only: cut events waiting for a free slot. */
  readonly #backlog = new Fifo<E>();
  readonly #active = new Set<Batch<E>>();
  readonly #concurrency: number;
  #slots = 0;
  #dispatchScheduled = false;
  #waiters: FlushWaiter[] = [];
  readonly #timer: NodeJS.Timeout;
  /** Times attempts out, for all of them at once: no timer per attempt. */
  #watchdog: NodeJS.Timeout | undefined;
  /** Epoch ms as of the last watchdog tick or stream turn: streamed events read no clock of their own. */
  #clock = Date.now();
  /** Backoff sleeps: woken when close() starts or its deadline moves. */
  readonly #sleepers = new Set<() => void>();
  #closing = false;
  #closeDeadline = Number.POSITIVE_INFINITY;
  /** Holds the process until close() ends (bounded by its deadline); fires the deadline. */
  #deadlineTimer: NodeJS.Timeout | undefined;
  #deadlineReached: (() => void) | undefined;
  #closed?: Promise<void>;
  #closeEnded = false;

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

  /**
   * Records one event. Synchronous and O(1); never throws, never waits for the sink. Events of the
   * other eventType are ignored; an event that throws when read (a hostile getter, a revoked Proxy)
   * is counted as failed.
   */
  add(event: E): void {
    let kind: unknown;
    try {
      kind = event?.kind;
    } catch (err) {
      this.#unreadable(err);
      return;
    }
    if (kind !== this.#kind) return;
    this.#received++;
    if (this.#buffer.length + this.#inFlight >= this.#capacity) {
      this.#drop();
      return;
    }
    if (this.#buffer.push(event) >= this.#cutAt) this.#bufferFull();
  }

  /**
   * Resolves when every event added before the call is exported or failed, or after `timeoutMs`
   * (default: no limit; `Infinity` too). Never rejects; throws a TypeError for an invalid timeoutMs.
   */
  flush(options?: { timeoutMs?: number }): Promise<void> {
    const timeoutMs = callTimeout('flush', options, Number.POSITIVE_INFINITY);
    this.#cut();
    const target = this.#seq;
    if (this.#reached(target)) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const waiter: FlushWaiter = { target, resolve };
      this.#waiters.push(waiter);
      if (timeoutMs !== Number.POSITIVE_INFINITY) {
        waiter.timer = setTimeout(
          () => {
            this.#waiters = this.#waiters.filter((w) => w !== waiter);
            resolve();
          },
          Math.min(timeoutMs, MAX_TIMER_MS),
        );
        waiter.timer.unref();
      }
    });
  }

  /**
   * Stops accepting, exports what is held and closes the exporter, all by one deadline (`timeoutMs`,
   * default closeTimeoutMs; `Infinity`: no limit). Until then failures are retried with short backoff
   * and a Retry-After that ends before the deadline is honoured; one that ends after it is not waited
   * out (one last attempt). What is unfinished at the deadline counts as failed. Idempotent: a later
   * call with a shorter `timeoutMs` moves the deadline closer.
   */
  close(options?: { timeoutMs?: number }): Promise<void> {
    const timeoutMs = callTimeout('close', options, this.#options.closeTimeoutMs);
    if (this.#closed) {
      this.#moveDeadline(Date.now() + timeoutMs);
      return this.#closed;
    }
    this.#closed = this.#close(timeoutMs);
    return this.#closed;
  }

  /** `await using` support: the same as close(). */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** The counters as of now. */
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
    this.#closing = true;
    const expired = new Promise<'expired'>((resolve) => {
      this.#deadlineReached = () => resolve('expired');
    });
    this.#moveDeadline(Date.now() + timeoutMs, true);
    const drained = this.flush().then(() => 'drained' as const);
    if ((await Promise.race([drained, expired])) === 'expired') this.#abandonAll();
    // The exporter's own close() shares the deadline: past it, nobody waits for it.
    const closed = Promise.resolve()
      .then(() => this.#options.exporter.close?.())
      .then(
        () => 'closed' as const,
        (err: unknown) => {
          this.#options.logger.warn({ err, exporter: this.name }, 'exporter close failed');
          return 'closed' as const;
        },
      );
    if ((await Promise.race([closed, expired])) === 'expired') {
      this.#options.logger.warn(
        { exporter: this.name },
        'exporter close did not finish by the close deadline',
      );
    }
    this.#closeEnded = true;
    clearTimeout(this.#deadlineTimer);
    clearInterval(this.#deadlineTimer);
  }

  /** Sets the close deadline to `at` if that is sooner, and lets every sleeper and timer know. */
  #moveDeadline(at: number, first = false): void {
    if (this.#closeEnded || !(first || at < this.#closeDeadline)) return;
    this.#closeDeadline = at;
    clearTimeout(this.#deadlineTimer);
    clearInterval(this.#deadlineTimer);
    // Ref'd on purpose: at natural exit the process stays until close() ends, and no longer than this.
    this.#deadlineTimer =
      at === Number.POSITIVE_INFINITY
        ? setInterval(() => {}, MAX_TIMER_MS)
        : setTimeout(() => this.#deadlineReached?.(), Math.min(Math.max(0, at - Date.now()), MAX_TIMER_MS));
    for (const batch of this.#active) {
      if (batch.current && batch.current.deadline > at) batch.current.deadline = at;
    }
    this.#wakeSleepers();
  }

  /** The close deadline: everything still held counts as failed, running attempts are aborted. */
  #abandonAll(): void {
    this.#take();
    let count = this.#backlog.length;
    const reason = new ExportError(`close deadline reached (${this.name})`);
    for (const batch of [...this.#active, ...this.#queue]) {
      batch.abandoned = true;
      batch.current?.abort(reason);
      count += batch.events.length;
      batch.events = [];
    }
    this.#backlog.clear();
    this.#queue.length = 0;
    this.#active.clear();
    this.#settle(0, count);
    this.#wakeSleepers();
    if (count > 0) {
      this.#options.logger.error(
        { exporter: this.name, events: count },
        `close deadline reached: ${count} events not delivered, counted as failed`,
      );
      if (diagnostics.failed.hasSubscribers)
        diagnostics.failed.publish({ exporter: this.name, events: count });
    }
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

  #unreadable(err: unknown): void {
    this.#received++;
    this.#failed++;
    this.#warnOnce(
      'unreadable',
      { err, exporter: this.name },
      'add() got an event that throws when read (a getter or a Proxy): counted as failed',
    );
    if (diagnostics.failed.hasSubscribers) {
      diagnostics.failed.publish({ exporter: this.name, events: 1, error: err } satisfies DiagnosticsMessage);
    }
  }

  #warnOnce(key: string, fields: Record<string, unknown>, message: string): void {
    if (this.#warned.has(key)) return;
    this.#warned.add(key);
    this.#options.logger.warn(fields, message);
  }

  #bufferFull(): void {
    if (this.#bulk) this.#cut();
    // Streaming: wake the dispatcher only when a slot is free; a running slot takes the next
    // events itself, so a slow sink costs no microtask per event.
    else if (this.#slots < this.#concurrency) this.#schedule();
  }

  /** Cuts the buffer into a batch (bulk) or into the backlog (streaming), and wakes the dispatcher. */
  #cut(): void {
    if (this.#take()) this.#schedule();
  }

  #take(): boolean {
    const events = this.#buffer;
    if (events.length === 0) return false;
    this.#buffer = [];
    this.#inFlight += events.length;
    if (this.#bulk) this.#queue.push(new Batch(events, this.#seq, Date.now()));
    else this.#backlog.pushAll(events);
    this.#seq += events.length;
    return true;
  }

  #schedule(): void {
    if (this.#dispatchScheduled) return;
    this.#dispatchScheduled = true;
    // Never export inside add(): the caller's stack stays cheap and free of the sink's work.
    queueMicrotask(() => this.#dispatch());
  }

  #dispatch(): void {
    this.#dispatchScheduled = false;
    if (!this.#bulk) {
      while (this.#slots < this.#concurrency && (this.#backlog.length > 0 || this.#buffer.length > 0)) {
        this.#slots++;
        void this.#stream();
      }
      return;
    }
    if (this.#active.size > 0) return;
    const batch = this.#queue.shift();
    if (!batch) return;
    this.#active.add(batch);
    void this.#deliverSafely(batch).finally(() => {
      this.#active.delete(batch);
      this.#checkWaiters();
      this.#dispatch();
      this.#unwatchIfIdle();
    });
  }

  /**
   * One streaming slot: delivers backlog events one by one, reusing one Batch, yielding by work
   * done. The first attempt of each event is made here, without the retry machinery's promises;
   * a failure hands the event to #deliver.
   */
  async #stream(): Promise<void> {
    const batch = new Batch<E>([], 0, 0);
    const { exporter } = this.#options;
    this.#clock = Date.now();
    this.#active.add(batch);
    let sinceTurn = 0;
    try {
      for (;;) {
        if (this.#backlog.length === 0) this.#take();
        if (this.#backlog.length === 0 || batch.abandoned) return;
        batch.load([this.#backlog.shift() as E], this.#streamSeq++, this.#clock);
        const attempt = this.#startAttempt(batch);
        try {
          const result = await exporter.export(batch.events, attempt);
          batch.current = undefined;
          if (!batch.abandoned) this.#delivered(batch, result);
        } catch (err) {
          batch.current = undefined;
          if (!batch.abandoned) await this.#deliverSafely(batch, { error: err });
        }
        this.#checkWaiters();
        if (++sinceTurn === STREAM_YIELD_EVERY) {
          sinceTurn = 0;
          await nextTurn();
          this.#clock = Date.now();
        }
      }
    } finally {
      this.#active.delete(batch);
      this.#slots--;
      this.#unwatchIfIdle();
    }
  }

  /** The next attempt's context, timed by the watchdog. */
  #startAttempt(batch: Batch<E>): Attempt {
    batch.attempt++;
    // A streamed event's first attempt reads no clock: the shared one is at most a watchdog tick old.
    const startedAt = this.#bulk || batch.attempt > 1 ? Date.now() : this.#clock;
    const attempt = new Attempt(
      batch,
      this.#options.logger,
      Math.min(startedAt + this.#options.exportTimeoutMs, this.#closeDeadline),
    );
    batch.current = attempt;
    this.#watch();
    return attempt;
  }

  /** #deliver, where a bug of ours or an exporter's odd result neither crashes the host nor loses count. */
  async #deliverSafely(batch: Batch<E>, failed?: { error: unknown }): Promise<void> {
    try {
      await this.#deliver(batch, failed);
    } catch (err) {
      if (!batch.abandoned && batch.events.length > 0) this.#giveUp(batch, err, 'internal error');
    }
  }

  /** Attempts one batch until it is delivered or failed; `failed`: its first attempt was made, and failed so. */
  async #deliver(batch: Batch<E>, failed?: { error: unknown }): Promise<void> {
    const { exporter, retry, logger } = this.#options;
    const firstAttemptAt = this.#bulk ? Date.now() : this.#clock;
    let lastChance = false;
    for (;;) {
      let error: unknown = failed?.error;
      if (failed) failed = undefined;
      else {
        const attempt = this.#startAttempt(batch);
        let result: ExportResult | undefined;
        try {
          result = await exporter.export(batch.events, attempt);
        } catch (err) {
          error = err ?? new Error('export rejected without a reason');
        }
        batch.current = undefined;
        if (batch.abandoned) return;
        if (error === undefined) return this.#delivered(batch, result);
      }
      error ??= new Error('export rejected without a reason');

      const classified = isExportError(error) ? error : undefined;
      if (classified?.undelivered !== undefined) this.#narrow(batch, classified.undelivered);
      if (batch.events.length === 0) return;
      const retryAfterMs = validDelay(classified?.retryAfterMs);
      const backoffMs = backoffDelay(
        retry,
        batch.attempt,
        this.#closing ? Math.min(retry.initialDelayMs, CLOSE_BACKOFF_CAP_MS) : retry.maxDelayMs,
      );
      const now = Date.now();
      // A wait that would pass the close deadline is not waited out: one last attempt comes at once.
      const wait = Math.max(backoffMs, retryAfterMs);
      const effectiveWait = this.#closing && now + retryAfterMs >= this.#closeDeadline ? 0 : wait;
      const elapsed = now - firstAttemptAt;
      const reason =
        classified?.retryable === false
          ? 'non-retryable error'
          : lastChance
            ? 'last attempt before the close deadline failed'
            : batch.attempt >= retry.maxAttempts
              ? `${batch.attempt} attempts failed`
              : elapsed + effectiveWait > retry.maxElapsedMs
                ? `retries would exceed maxElapsedMs (${retry.maxElapsedMs})`
                : undefined;
      if (reason) return this.#giveUp(batch, error, reason);

      this.#retries++;
      logger.info(
        {
          err: error,
          exporter: this.name,
          batchId: batch.id,
          attempt: batch.attempt,
          delayMs: effectiveWait,
        },
        'export failed, retrying',
      );
      if (diagnostics.retried.hasSubscribers) {
        diagnostics.retried.publish(this.#message(batch, batch.events.length, error));
      }
      lastChance = await this.#pause(batch, backoffMs, retryAfterMs);
      if (batch.abandoned) return;
    }
  }

  /**
   * Waits out a backoff and a Retry-After. close() cuts the backoff short but keeps a Retry-After
   * that ends before its deadline; resolves true when the next attempt is the last one (the wait
   * would pass the deadline, so it is not waited out).
   */
  async #pause(batch: Batch<E>, backoffMs: number, retryAfterMs: number): Promise<boolean> {
    const started = Date.now();
    const retryUntil = started + retryAfterMs;
    let backoffUntil = started + backoffMs;
    for (;;) {
      if (this.#closing && retryUntil >= this.#closeDeadline) return true;
      if (this.#closing && backoffUntil >= this.#closeDeadline) {
        // A backoff may not pass the deadline either: halve what is left, until too little is.
        const left = this.#closeDeadline - Date.now();
        if (left < CLOSE_LAST_ATTEMPT_MS) return true;
        backoffUntil = Date.now() + left / 2;
      }
      const until = Math.max(retryUntil, backoffUntil);
      const wait = until - Date.now();
      if (wait <= 0) return false;
      const woken = await this.#sleep(wait);
      if (batch.abandoned) return false;
      if (woken) backoffUntil = Math.min(backoffUntil, Date.now());
    }
  }

  /** Resolves false after `ms` (an unref'd timer: it never holds the process), true if woken first. */
  #sleep(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.#sleepers.delete(wake);
        resolve(true);
      };
      const timer = setTimeout(
        () => {
          this.#sleepers.delete(wake);
          resolve(false);
        },
        Math.min(ms, MAX_TIMER_MS),
      );
      timer.unref();
      this.#sleepers.add(wake);
    });
  }

  #wakeSleepers(): void {
    for (const wake of [...this.#sleepers]) wake();
  }

  /** Starts the watchdog that aborts attempts past their deadline; it stops itself when idle. */
  #watch(): void {
    if (this.#watchdog) return;
    const tickMs = Math.min(1_000, Math.max(5, Math.floor(this.#options.exportTimeoutMs / 10)));
    this.#watchdog = setInterval(() => {
      const now = Date.now();
      this.#clock = now;
      if (this.#active.size === 0) {
        clearInterval(this.#watchdog);
        this.#watchdog = undefined;
        return;
      }
      for (const batch of this.#active) {
        const attempt = batch.current;
        if (attempt && !attempt.aborted && now >= attempt.deadline) {
          attempt.abort(
            new ExportError(
              attempt.deadline >= this.#closeDeadline
                ? `close deadline reached (${this.name})`
                : `export timed out after ${this.#options.exportTimeoutMs} ms`,
            ),
          );
        }
      }
    }, tickMs);
    this.#watchdog.unref();
  }

  #unwatchIfIdle(): void {
    if (this.#active.size > 0 || !this.#watchdog) return;
    clearInterval(this.#watchdog);
    this.#watchdog = undefined;
  }

  #delivered(batch: Batch<E>, result: ExportResult): void {
    const count = batch.events.length;
    if (result === undefined || result === null) {
      batch.events = [];
      this.#settle(count, 0);
      if (diagnostics.exported.hasSubscribers) diagnostics.exported.publish(this.#message(batch, count));
      return;
    }
    const reported = (result as { rejected?: unknown } | undefined)?.rejected;
    const { indexes: refused, malformed } = indexesInto(reported, count);
    if (malformed) {
      this.#warnOnce(
        'rejected',
        { exporter: this.name, rejected: reported },
        'exporter bug: export() resolved with a `rejected` that is not an array of indexes into the batch; invalid entries ignored',
      );
    }
    const exported = count - refused.length;
    batch.events = [];
    this.#settle(exported, refused.length);
    if (refused.length > 0) {
      this.#options.logger.warn(
        { exporter: this.name, batchId: batch.id, rejected: refused.length },
        `${refused.length} of ${count} events rejected by the sink (unserialisable or refused)`,
      );
      if (diagnostics.failed.hasSubscribers) diagnostics.failed.publish(this.#message(batch, refused.length));
    }
    if (diagnostics.exported.hasSubscribers) diagnostics.exported.publish(this.#message(batch, exported));
  }

  /**
   * Partial success: what was delivered settles now, the rest stays in the batch. An `undelivered`
   * that is not a list of valid indexes is the exporter's bug: nothing counts as delivered.
   */
  #narrow(batch: Batch<E>, undelivered: unknown): void {
    const { indexes: keep, malformed } = indexesInto(undelivered, batch.events.length);
    if (malformed) {
      this.#warnOnce(
        'undelivered',
        { exporter: this.name, undelivered },
        'exporter bug: ExportError.undelivered is not an array of indexes into the batch; the whole batch is retried',
      );
      return;
    }
    const delivered = batch.events.length - keep.length;
    batch.events = keep.map((i) => batch.events[i] as E);
    this.#settle(delivered, 0);
    if (delivered > 0 && diagnostics.exported.hasSubscribers) {
      diagnostics.exported.publish(this.#message(batch, delivered));
    }
  }

  #giveUp(batch: Batch<E>, error: unknown, reason: string): void {
    const count = batch.events.length;
    batch.events = [];
    this.#settle(0, count);
    this.#options.logger.error(
      { err: error, exporter: this.name, batchId: batch.id, attempt: batch.attempt, events: count },
      `export failed (${reason}): ${count} events counted as failed`,
    );
    if (diagnostics.failed.hasSubscribers) diagnostics.failed.publish(this.#message(batch, count, error));
  }

  #settle(exported: number, failed: number): void {
    this.#exported += exported;
    this.#failed += failed;
    this.#inFlight -= exported + failed;
    if (
      this.#droppedInEpisode > 0 &&
      this.#capacity > 0 &&
      this.#buffer.length + this.#inFlight < EPISODE_ENDS_BELOW * this.#capacity
    ) {
      this.#options.logger.info(
        { exporter: this.name, dropped: this.#droppedInEpisode },
        'accepting events again after dropping some',
      );
      this.#droppedInEpisode = 0;
    }
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

/** A Retry-After in ms, or 0 when absent or not a usable number (NaN must not skip the backoff). */
function validDelay(ms: unknown): number {
  return typeof ms === 'number' && ms > 0 && Number.isFinite(ms) ? ms : 0;
}

/** The distinct valid indexes into a batch of `length`, ascending; malformed when anything else was there. */
function indexesInto(list: unknown, length: number): { indexes: number[]; malformed: boolean } {
  if (list === undefined) return { indexes: [], malformed: false };
  if (!Array.isArray(list)) return { indexes: [], malformed: true };
  const valid = list.filter((i) => Number.isInteger(i) && i >= 0 && i < length) as number[];
  return { indexes: [...new Set(valid)].sort((a, b) => a - b), malformed: valid.length !== list.length };
}
