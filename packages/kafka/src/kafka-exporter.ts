import { setTimeout as sleep } from 'node:timers/promises';
import {
  type BatchingDefaults,
  type ExportableEvent,
  type ExportContext,
  ExportError,
  type Exporter,
  type ExportResult,
} from '@ff/exporter-core';
import { type Broker, type Connection, kGetConnection, ProduceAcks, Producer } from '@platformatic/kafka';
import { classify } from './errors.js';
import { type KafkaExporterOptions, type ResolvedOptions, resolveOptions } from './options.js';
import { type PartitionBatch, partitionError, produce } from './produce.js';
import { encodeRecordBatch } from './record-batch.js';
import { type Chunk, Chunker, ID_KEY, INDEX_KEY, type KafkaRecord } from './records.js';

/** How many attempts a batch gets while its topic is unknown: enough for a just-created topic's metadata to spread. */
const UNKNOWN_TOPIC_ATTEMPTS = 3;
/** Batches whose original indexes are remembered between a partial failure and their retry. */
const REMEMBERED_BATCHES = 16;
const MAX_SEQUENCE = 0x7fffffff;
/** Resends, within one attempt, of partitions whose leader answered that it is not (or no longer) the leader. */
const STALE_RESENDS = 3;
const STALE_PAUSE_MS = 100;

/** A producer and its identity on the brokers: the sequence numbers it has used, per partition. */
interface Session {
  producer: Producer;
  producerId: bigint;
  producerEpoch: number;
  /** Next sequence number per partition; advanced only when the broker acknowledged a batch. */
  sequences: Map<number, number>;
}

/** What became of one chunk: the chunk indexes not delivered, and why. */
interface ChunkOutcome {
  undelivered: number[];
  /** The partitions not delivered, and for each its error. */
  partitions: number[];
  errors: unknown[];
  aborted: boolean;
}

/**
 * Sends each event as one Kafka record (value: GO Feature Flag's JSON of the event; key: its userKey
 * by default; headers `ff-batch-id` and `ff-batch-index`), counted exported once the broker has
 * acknowledged it to all in-sync replicas. A bulk exporter with a short flush interval (Kafka's linger).
 *
 * @platformatic/kafka provides the connections (TLS, SASL), metadata and the producer id; the
 * record batches and produce requests are the exporter's own (see docs/decisions/021).
 */
export class KafkaExporter implements Exporter {
  readonly topic: string;
  /** Kafka wants small batches soon: 100 ms, like a producer's linger. Options given to DataExporter win. */
  readonly batchingDefaults: BatchingDefaults = { flushIntervalMs: 100 };
  readonly #options: ResolvedOptions;
  #producer?: Producer;
  #session?: Session;
  #closed = false;
  /** The previous export(): sends on one idempotent producer must never overlap (sequence numbers). */
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
    this.#session = undefined;
    if (producer) await closeProducer(producer);
  }

  async #export(events: readonly ExportableEvent[], context: ExportContext): Promise<ExportResult> {
    const origin = this.#takeOrigin(context.batchId, events.length);
    if (events.length === 0) return;
    if (this.#closed) throw new ExportError(`${this.#where()}: the exporter is closed`, { retryable: false });
    const { signal } = context;
    let session: Session;
    let partitions: number;
    try {
      session = await untilAborted(this.#open(), signal);
      partitions = await untilAborted(this.#partitionCount(session.producer), signal);
    } catch (error) {
      // Nothing was sent: the whole batch is undelivered, as core keeps it without being told.
      if (signal.aborted) this.#reset();
      throw this.#error(context, signal.aborted ? signal.reason : error, signal.aborted, undefined);
    }
    const chunker = new Chunker(
      events,
      origin,
      this.#options.key,
      this.#options.maxRequestBytes,
      context.batchId,
      partitions,
    );
    for (let chunk = chunker.next(); chunk !== undefined; ) {
      let outcome: ChunkOutcome;
      let next: Chunk | undefined;
      if (signal.aborted) {
        outcome = { undelivered: chunk.indexes, partitions: [], errors: [signal.reason], aborted: true };
      } else {
        const sending = this.#sendChunk(session, chunker, chunk, signal);
        // The request is written once the event loop turns: build the next chunk while the broker
        // works on it (the JSON of its events is most of our CPU time).
        await new Promise(setImmediate);
        next = chunker.next();
        outcome = await sending;
      }
      chunk = next;
      if (outcome.undelivered.length === 0) continue;
      // The chunk's undelivered part, the next chunk (built, not sent), the events after it and the
      // rejected ones (rejected again, for good, on the retry) stay in the batch; the rest counts as
      // delivered.
      if (next) outcome.undelivered.push(...next.indexes);
      const undelivered = [...chunker.rejected, ...outcome.undelivered];
      for (let i = chunker.position; i < chunker.length; i++) undelivered.push(i);
      undelivered.sort((a, b) => a - b);
      this.#remember(
        context.batchId,
        undelivered.map((i) => (origin === undefined ? i : (origin[i] as number))),
      );
      if (outcome.aborted) {
        // A request may still be on its way: this producer's sequence numbers are unknown now.
        this.#reset();
        throw this.#error(context, signal.reason, true, undelivered);
      }
      const cause =
        outcome.errors.length === 1
          ? outcome.errors[0]
          : new AggregateError(outcome.errors, 'produce failed');
      if (classify(cause).reset) this.#reset();
      throw this.#error(context, cause, false, undelivered);
    }
    this.#origins.delete(context.batchId);
    return chunker.rejected.length > 0 ? { rejected: chunker.rejected } : undefined;
  }

  /** The producer and its id, made at the first export (or after a reset): no connection before. */
  async #open(): Promise<Session> {
    if (this.#session) return this.#session;
    const o = this.#options;
    this.#producer ??= new Producer({
      clientId: o.clientId,
      bootstrapBrokers: o.addresses,
      idempotent: o.idempotent,
      acks: ProduceAcks.ALL,
      // Core owns retries. With `idempotent`, 0 and 1 are silently raised to MAX_SAFE_INTEGER: only false means none.
      retries: false,
      timeout: o.requestTimeoutMs,
      requestTimeout: o.requestTimeoutMs + 1_000,
      connectTimeout: o.connectTimeoutMs,
      autocreateTopics: false,
      ...(o.tls ? { tls: o.tls } : {}),
      ...(o.sasl ? { sasl: o.sasl } : {}),
    });
    const producer = this.#producer;
    // InitProducerId: answered COORDINATOR_LOAD_IN_PROGRESS for a while after a broker start (retryable).
    const identity = o.idempotent
      ? await producer.initIdempotentProducer({})
      : { producerId: -1n, producerEpoch: -1 };
    this.#session = {
      producer,
      producerId: identity.producerId,
      producerEpoch: identity.producerEpoch,
      sequences: new Map(),
    };
    return this.#session;
  }

  async #partitionCount(producer: Producer): Promise<number> {
    const metadata = await producer.metadata({ topics: [this.topic] });
    const topic = metadata.topics.get(this.topic);
    if (!topic || topic.partitionsCount < 1) throw new Error(`Unknown topic ${this.topic}.`);
    return topic.partitionsCount;
  }

  /**
   * One chunk: one produce request per partition leader (at once, one in flight per partition), one
   * RecordBatch per partition. Partitions acknowledged advance their sequence numbers; the others'
   * records are undelivered, to be resent in the same order with the same numbers, so a request that
   * did land is recognised by the broker rather than written twice.
   */
  async #sendChunk(
    session: Session,
    chunker: Chunker,
    chunk: Chunk,
    signal: AbortSignal,
  ): Promise<ChunkOutcome> {
    const byPartition = new Map<number, { records: KafkaRecord[]; indexes: number[] }>();
    for (let i = 0; i < chunk.records.length; i++) {
      const record = chunk.records[i] as KafkaRecord;
      const group = byPartition.get(record.partition) ?? { records: [], indexes: [] };
      byPartition.set(record.partition, group);
      group.records.push(record);
      group.indexes.push(chunk.indexes[i] as number);
    }
    let outcome: ChunkOutcome;
    for (let round = 0; ; round++) {
      const sending = this.#sendPartitions(session, chunker, byPartition);
      outcome = await untilAborted(sending, signal).catch(
        (): ChunkOutcome => ({
          // Partitions acknowledged in an earlier round stay delivered.
          undelivered: [...byPartition.values()].flatMap((group) => group.indexes),
          partitions: [],
          errors: [signal.reason],
          aborted: true,
        }),
      );
      if (outcome.aborted) sending.catch(() => undefined);
      // A leader that moved (or is not ready yet, right after the topic was made) answered with an
      // error: nothing was appended, so resend those partitions at once to the new leader, as every
      // producer does; any other failure is core's to retry.
      if (outcome.aborted || round === STALE_RESENDS || outcome.errors.length === 0) return outcome;
      if (!outcome.errors.every((error) => classify(error).staleMetadata)) return outcome;
      for (const partition of [...byPartition.keys()]) {
        if (!outcome.partitions.includes(partition)) byPartition.delete(partition);
      }
      session.producer.clearMetadata();
      // An abort ends the pause; the next round then reports the chunk undelivered at once.
      await sleep(STALE_PAUSE_MS * (round + 1), undefined, { signal }).catch(() => undefined);
    }
  }

  async #sendPartitions(
    session: Session,
    chunker: Chunker,
    byPartition: Map<number, { records: KafkaRecord[]; indexes: number[] }>,
  ): Promise<ChunkOutcome> {
    const { producer, sequences } = session;
    const metadata = await producer.metadata({ topics: [this.topic] });
    const topic = metadata.topics.get(this.topic);
    const timestamp = BigInt(Date.now());
    const byLeader = new Map<number, PartitionBatch[]>();
    for (const [partition, group] of byPartition) {
      const leader = topic?.partitions[partition]?.leader ?? -1;
      const batch = encodeRecordBatch(group.records, ID_KEY, chunker.batchId, INDEX_KEY, {
        producerId: session.producerId,
        producerEpoch: session.producerEpoch,
        baseSequence: this.#options.idempotent ? (sequences.get(partition) ?? 0) : -1,
        compression: this.#options.compression,
        timestamp,
      });
      const batches = byLeader.get(leader) ?? [];
      batches.push({ partition, batch });
      byLeader.set(leader, batches);
    }
    const outcome: ChunkOutcome = { undelivered: [], partitions: [], errors: [], aborted: false };
    const fail = (partition: number, error: unknown) => {
      outcome.undelivered.push(...(byPartition.get(partition)?.indexes ?? []));
      outcome.partitions.push(partition);
      outcome.errors.push(error);
    };
    await Promise.all(
      [...byLeader].map(async ([leader, batches]) => {
        const broker = metadata.brokers.get(leader);
        try {
          if (!broker)
            throw new Error(`no leader known for partitions ${batches.map((b) => b.partition).join(', ')}`);
          const connection = await connectTo(producer, broker);
          const results = await produce(connection, this.topic, batches, this.#options.requestTimeoutMs);
          for (const result of results) {
            const group = byPartition.get(result.partition);
            if (!group) continue;
            if (result.errorCode === 0) {
              const next = (sequences.get(result.partition) ?? 0) + group.records.length;
              sequences.set(result.partition, next > MAX_SEQUENCE ? next - MAX_SEQUENCE - 1 : next);
              continue;
            }
            const error = partitionError(result);
            if (classify(error).tooLarge && group.records.length === 1) {
              // One record the topic refuses for its size: refused for good, the rest goes on.
              chunker.rejected.push(group.indexes[0] as number);
              continue;
            }
            fail(result.partition, error);
          }
        } catch (error) {
          // No answer (connection refused or reset, timeout): which partitions landed is unknown.
          producer.clearMetadata();
          for (const { partition } of batches) fail(partition, error);
        }
      }),
    );
    return outcome;
  }

  /** Forgets the producer (its sequence numbers can no longer be trusted); the next export makes a new one. */
  #reset(): void {
    const producer = this.#producer;
    this.#producer = undefined;
    this.#session = undefined;
    if (producer) void closeProducer(producer);
  }

  #error(
    context: ExportContext,
    error: unknown,
    aborted: boolean,
    undelivered: readonly number[] | undefined,
  ): ExportError {
    const parts = undelivered ? { undelivered } : {};
    if (aborted) {
      const why = error instanceof Error ? error.message : 'aborted';
      return new ExportError(`${this.#where()}: ${why}; the producer is reset before the next attempt`, {
        retryable: true,
        cause: error,
        ...parts,
      });
    }
    const classified = classify(error);
    if (classified.unknownTopic) {
      const retryable = context.attempt < UNKNOWN_TOPIC_ATTEMPTS;
      return new ExportError(
        `${this.#where()}: topic '${this.topic}' does not exist (or this client may not see it): create it, the exporter never creates topics${retryable ? '' : ` (${context.attempt} attempts)`}`,
        { retryable, cause: error, ...parts },
      );
    }
    const hint = classified.tooLarge
      ? `; lower maxRequestBytes (${this.#options.maxRequestBytes}) below the topic's max.message.bytes`
      : '';
    return new ExportError(`${this.#where()}: ${classified.reason}${hint}`, {
      retryable: classified.retryable,
      cause: error,
      ...parts,
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

/** Settles with `promise`, or rejects with the signal's reason as soon as it aborts (the work itself goes on). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(signal.reason);
  }
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  return Promise.race([promise, aborted]).finally(() =>
    signal.removeEventListener('abort', onAbort as () => void),
  );
}

function connectTo(producer: Producer, broker: Broker): Promise<Connection> {
  return new Promise((resolve, reject) =>
    producer[kGetConnection](broker, (error, connection) =>
      error ? reject(error) : resolve(connection as Connection),
    ),
  );
}

/** Closes a producer, in-flight requests included; never rejects (a producer that fails to close is gone anyway). */
function closeProducer(producer: Producer): Promise<void> {
  return new Promise((resolve) => producer.close(true, () => resolve()));
}
