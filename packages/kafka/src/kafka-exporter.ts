import {
  type BatchingDefaults,
  type ExportableEvent,
  type ExportContext,
  ExportError,
  type Exporter,
  type ExportResult,
} from '@ff/exporter-core';
import { compatibilityPartitioner, ProduceAcks, Producer } from '@platformatic/kafka';
import { classify } from './errors.js';
import { type KafkaExporterOptions, type ResolvedOptions, resolveOptions } from './options.js';
import { type Chunk, Chunker } from './records.js';

/** How many attempts a batch gets while its topic is unknown: enough for a just-created topic's metadata to spread. */
const UNKNOWN_TOPIC_ATTEMPTS = 3;
/** Batches whose original indexes are remembered between a partial failure and their retry. */
const REMEMBERED_BATCHES = 16;

type SendResult = { ok: true } | { ok: false; error: unknown; aborted: boolean };

/**
 * Sends each event as one Kafka record (value: GO Feature Flag's JSON of the event; key: its userKey
 * by default; headers `ff-batch-id` and `ff-batch-index`), counted exported once the broker has
 * acknowledged it to all in-sync replicas. A bulk exporter with a short flush interval (Kafka's linger).
 */
export class KafkaExporter implements Exporter {
  readonly topic: string;
  /** Kafka wants small batches soon: 100 ms, like a producer's linger. Options given to DataExporter win. */
  readonly batchingDefaults: BatchingDefaults = { flushIntervalMs: 100 };
  readonly #options: ResolvedOptions;
  #producer?: Producer;
  #closed = false;
  /** The previous export(): sends on one idempotent producer must never overlap (they would reuse sequence numbers). */
  #tail: Promise<unknown> = Promise.resolve();
  /** batchId -> the original index of each event core will hand back on the retry after a partial failure. */
  readonly #origins = new Map<string, readonly number[]>();

  constructor(options: KafkaExporterOptions) {
    this.#options = resolveOptions(options);
    this.topic = this.#options.topic;
  }

  isBulk(): boolean {
    return true;
  }

  export(events: readonly ExportableEvent[], context: ExportContext): Promise<ExportResult> {
    const run = this.#tail.then(() => this.#export(events, context));
    this.#tail = run.catch(() => undefined);
    return run;
  }

  /** Closes the producer; prompt when nothing was ever sent (no connection was opened). */
  async close(): Promise<void> {
    this.#closed = true;
    const producer = this.#producer;
    this.#producer = undefined;
    if (producer) await closeProducer(producer);
  }

  async #export(events: readonly ExportableEvent[], context: ExportContext): Promise<ExportResult> {
    const origin = this.#takeOrigin(context.batchId, events.length);
    if (events.length === 0) return;
    if (this.#closed) throw new ExportError(`${this.#where()}: the exporter is closed`, { retryable: false });
    const { signal } = context;
    const chunker = new Chunker(
      events,
      origin,
      this.topic,
      this.#options.key,
      this.#options.maxRequestBytes,
      context.batchId,
    );
    const rejected = chunker.rejected;
    for (let chunk = chunker.next(); chunk !== undefined; chunk = chunker.next()) {
      if (signal.aborted) throw this.#failed(context, origin, chunk, chunker, signal.reason, true);
      const producer = this.#connect();
      const result = await this.#send(producer, chunk, signal);
      if (result.ok) continue;
      if (result.aborted) {
        // The request may still be on its way: this producer's sequence numbers are unknown now.
        this.#reset(producer);
        throw this.#failed(context, origin, chunk, chunker, signal.reason, true);
      }
      const classified = classify(result.error);
      if (classified.tooLarge && chunk.records.length === 1) {
        // One record the topic refuses for its size: refused for good, the rest of the batch goes on.
        context.logger.warn(
          { exporter: 'KafkaExporter', topic: this.topic, bytes: chunk.bytes },
          `${this.#where()}: a record of ~${chunk.bytes} bytes is over the topic's max.message.bytes: counted failed`,
        );
        rejected.push(chunk.indexes[0] as number);
        continue;
      }
      if (classified.reset) this.#reset(producer);
      throw this.#failed(context, origin, chunk, chunker, result.error, false);
    }
    this.#origins.delete(context.batchId);
    return rejected.length > 0 ? { rejected } : undefined;
  }

  #connect(): Producer {
    if (this.#producer) return this.#producer;
    const o = this.#options;
    this.#producer = new Producer({
      clientId: o.clientId,
      bootstrapBrokers: o.addresses,
      idempotent: o.idempotent,
      acks: ProduceAcks.ALL,
      // Core owns retries. With `idempotent`, 0 and 1 are silently raised to MAX_SAFE_INTEGER: only false means none.
      retries: false,
      timeout: o.requestTimeoutMs,
      requestTimeout: o.requestTimeoutMs + 1_000,
      connectTimeout: o.connectTimeoutMs,
      compression: o.compression,
      // Java's default partitioner: the same key lands on the same partition as from a Java producer.
      partitioner: compatibilityPartitioner,
      autocreateTopics: false,
      ...(o.tls ? { tls: o.tls } : {}),
      ...(o.sasl ? { sasl: o.sasl } : {}),
    });
    return this.#producer;
  }

  /** Replaces the producer by a fresh one at the next send; the old one is closed in the background. */
  #reset(producer: Producer): void {
    if (this.#producer === producer) this.#producer = undefined;
    void closeProducer(producer);
  }

  /** One produce request; settles at once when the attempt's signal aborts (the request itself cannot be recalled). */
  #send(producer: Producer, chunk: Chunk, signal: AbortSignal): Promise<SendResult> {
    const sent = producer.send({ messages: chunk.records }).then(
      (): SendResult => ({ ok: true }),
      (error: unknown): SendResult => ({ ok: false, error, aborted: false }),
    );
    if (signal.aborted) return Promise.resolve({ ok: false, error: signal.reason, aborted: true });
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<SendResult>((resolve) => {
      onAbort = () => resolve({ ok: false, error: signal.reason, aborted: true });
      signal.addEventListener('abort', onAbort, { once: true });
    });
    return Promise.race([sent, aborted]).finally(() =>
      signal.removeEventListener('abort', onAbort as () => void),
    );
  }

  /**
   * The ExportError for a batch that stopped at `chunk`: everything before it is delivered; the chunk,
   * the events after it and the rejected ones (rejected again, for good, on the retry) are undelivered.
   */
  #failed(
    context: ExportContext,
    origin: readonly number[] | undefined,
    chunk: Chunk,
    chunker: Chunker,
    error: unknown,
    aborted: boolean,
  ): ExportError {
    const undelivered = [...chunker.rejected, ...chunk.indexes];
    for (let i = chunker.position; i < chunker.length; i++) undelivered.push(i);
    undelivered.sort((a, b) => a - b);
    this.#remember(
      context.batchId,
      undelivered.map((i) => (origin === undefined ? i : (origin[i] as number))),
    );
    if (aborted) {
      const why = error instanceof Error ? error.message : 'aborted';
      return new ExportError(`${this.#where()}: ${why}; the producer is reset before the next attempt`, {
        retryable: true,
        undelivered,
        cause: error,
      });
    }
    const classified = classify(error);
    if (classified.unknownTopic) {
      const retryable = context.attempt < UNKNOWN_TOPIC_ATTEMPTS;
      return new ExportError(
        `${this.#where()}: topic '${this.topic}' does not exist (or this client may not see it): create it, the exporter never creates topics${retryable ? '' : ` (${context.attempt} attempts)`}`,
        { retryable, undelivered, cause: error },
      );
    }
    const hint = classified.tooLarge
      ? `; lower maxRequestBytes (${this.#options.maxRequestBytes}) below the topic's max.message.bytes`
      : '';
    return new ExportError(`${this.#where()}: ${classified.reason}${hint}`, {
      retryable: classified.retryable,
      undelivered,
      cause: error,
    });
  }

  #where(): string {
    return `Kafka topic '${this.topic}' at ${this.#options.addresses.join(',')}`;
  }

  /** The original indexes remembered for a retry of `batchId`, if they match the events core hands back. */
  #takeOrigin(batchId: string, length: number): readonly number[] | undefined {
    const origin = this.#origins.get(batchId);
    return origin?.length === length ? origin : undefined;
  }

  #remember(batchId: string, origin: readonly number[]): void {
    this.#origins.delete(batchId);
    this.#origins.set(batchId, origin);
    // Core gives up on batches without telling the exporter: forget the oldest.
    if (this.#origins.size > REMEMBERED_BATCHES)
      this.#origins.delete(this.#origins.keys().next().value as string);
  }
}

/** Closes a producer, in-flight requests included; never rejects (a producer that fails to close is gone anyway). */
function closeProducer(producer: Producer): Promise<void> {
  return new Promise((resolve) => producer.close(true, () => resolve()));
}
