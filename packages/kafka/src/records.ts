import { type ExportableEvent, eventJson } from '@ff/exporter-core';
import { murmur2 } from './murmur2.js';
import type { KeyOption } from './options.js';
import type { BatchRecord } from './record-batch.js';

/** Record header names: consumers drop duplicates by (batch id, index). */
export const BATCH_ID_HEADER = 'ff-batch-id';
export const BATCH_INDEX_HEADER = 'ff-batch-index';

export const ID_KEY = Buffer.from(BATCH_ID_HEADER);
export const INDEX_KEY = Buffer.from(BATCH_INDEX_HEADER);

/** One record to send: its partition, key (none for keyless), value and original index (ff-batch-index). */
export interface KafkaRecord extends BatchRecord {
  partition: number;
}

/** Records of consecutive events of a batch, at most `maxBytes` of them (or one bigger record alone). */
export interface Chunk {
  records: KafkaRecord[];
  /** The index, in the events given to export(), of each record. */
  indexes: number[];
  bytes: number;
}

// Per record, beyond its key, value and header names and batch id: its index's digits, length,
// attributes, timestamp and offset deltas, header count and lengths (varints), rounded up.
const RECORD_OVERHEAD = 40;

function keyOf(option: KeyOption, event: ExportableEvent): string | undefined {
  if (option === 'userKey') return event.userKey;
  if (option === 'flagKey') return event.key;
  if (option === 'none') return undefined;
  const key = option(event);
  if (key !== undefined && typeof key !== 'string') {
    throw new TypeError(`the key function returned a ${typeof key}, not a string or undefined`);
  }
  return key;
}

/** A small, stable hash of the batch id: keyless records of a batch start at a partition of its own. */
function seedOf(batchId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < batchId.length; i++) hash = Math.imul(hash ^ batchId.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

/**
 * Turns the events of one export() call into records, lazily, one chunk at a time, so a large batch
 * never holds all its records at once. Events that cannot be serialised (or keyed) are collected in
 * `rejected`, never sent. Deterministic: the same events give the same chunks, so a retry resends
 * exactly the produce request that failed (and the idempotent producer's broker drops what it had).
 */
export class Chunker {
  readonly rejected: number[] = [];
  #next = 0;
  /** The ff-batch-id header's value. */
  readonly batchId: Buffer;
  readonly #seed: number;

  constructor(
    private readonly events: readonly ExportableEvent[],
    /** The original index (in the batch as first cut) of each event; undefined: the events are the whole batch. */
    private readonly origin: readonly number[] | undefined,
    private readonly key: KeyOption,
    private readonly maxBytes: number,
    batchId: string,
    private readonly partitions: number,
  ) {
    this.batchId = Buffer.from(batchId);
    this.#seed = seedOf(batchId);
  }

  /** Events given. */
  get length(): number {
    return this.events.length;
  }

  /** Index of the first event not yet put in a chunk. */
  get position(): number {
    return this.#next;
  }

  /** The next chunk, or undefined when every event has been taken. */
  next(): Chunk | undefined {
    const records: KafkaRecord[] = [];
    const indexes: number[] = [];
    let bytes = 0;
    const { events, origin, partitions } = this;
    const fixed = ID_KEY.length + this.batchId.length + INDEX_KEY.length + RECORD_OVERHEAD;
    while (this.#next < events.length) {
      const i = this.#next;
      const original = origin === undefined ? i : (origin[i] as number);
      let record: KafkaRecord;
      try {
        const event = events[i] as ExportableEvent;
        const value = eventJson(event);
        const valueBytes = Buffer.byteLength(value);
        const key = keyOf(this.key, event);
        if (key === undefined) {
          record = {
            partition: (this.#seed + original) % partitions,
            key: undefined,
            value,
            valueBytes,
            index: original,
          };
        } else {
          const bytes = Buffer.from(key);
          // Java's default partitioner: murmur2, sign bit cleared, modulo the partition count.
          record = {
            partition: (murmur2(bytes) & 0x7fffffff) % partitions,
            key: bytes,
            value,
            valueBytes,
            index: original,
          };
        }
      } catch {
        this.rejected.push(i);
        this.#next++;
        continue;
      }
      const size = record.valueBytes + (record.key?.length ?? 0) + fixed;
      // A record bigger than the limit goes alone: the broker is the judge of its size.
      if (records.length > 0 && bytes + size > this.maxBytes) break;
      records.push(record);
      indexes.push(i);
      bytes += size;
      this.#next++;
    }
    return records.length === 0 ? undefined : { records, indexes, bytes };
  }
}
