import { compressionsAlgorithms, crc32c } from '@platformatic/kafka';
import type { Compression } from './options.js';

/** One record of a batch: key (undefined: none), value, and its index (the ff-batch-index header). */
export interface BatchRecord {
  key: Buffer | undefined;
  /** The value's text, written into the batch as UTF-8 directly: no buffer per record to collect. */
  value: string;
  /** Its length in UTF-8 bytes. */
  valueBytes: number;
  /** ff-batch-index, the event's original index in its batch. */
  index: number;
}

export interface BatchIdentity {
  /** -1 (and epoch -1, sequence -1) for a producer that is not idempotent. */
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  compression: Compression;
  timestamp: bigint;
}

// RecordBatch v2 header: baseOffset(8) batchLength(4) partitionLeaderEpoch(4) magic(1) crc(4)
// attributes(2) lastOffsetDelta(4) baseTimestamp(8) maxTimestamp(8) producerId(8) producerEpoch(2)
// baseSequence(4) recordCount(4). The CRC-32C covers everything from attributes on.
const HEADER_BYTES = 61;
const CRC_FROM = 21;

const unsignedVarIntSize = (value: number): number =>
  value < 0x80 ? 1 : value < 0x4000 ? 2 : value < 0x200000 ? 3 : value < 0x10000000 ? 4 : 5;
/** Kafka's varint is zigzag: n >= 0 is written as 2n. */
const varIntSize = (value: number): number => unsignedVarIntSize(value >= 0 ? value * 2 : -value * 2 - 1);

function writeUnsignedVarInt(buffer: Buffer, at: number, value: number): number {
  let rest = value;
  while (rest >= 0x80) {
    buffer[at++] = (rest & 0x7f) | 0x80;
    rest >>>= 7;
  }
  buffer[at++] = rest;
  return at;
}

const writeVarInt = (buffer: Buffer, at: number, value: number): number =>
  writeUnsignedVarInt(buffer, at, value >= 0 ? value * 2 : -value * 2 - 1);

function digits(value: number): number {
  let count = 1;
  for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) count++;
  return count;
}

/**
 * Encodes one partition's records as a Kafka RecordBatch (magic 2), each record with the headers
 * `ff-batch-id` (`batchId`) and `ff-batch-index` (its index, decimal), into one buffer: the client's
 * generic encoder builds several small buffers per record, which made it the exporter's bottleneck.
 */
export function encodeRecordBatch(
  records: readonly BatchRecord[],
  idKey: Buffer,
  batchId: Buffer,
  indexKey: Buffer,
  identity: BatchIdentity,
): Buffer {
  // Sizes first, so the whole batch is one allocation.
  const bodies = new Array<number>(records.length);
  const headersBytes =
    1 + // two headers
    varIntSize(idKey.length) +
    idKey.length +
    varIntSize(batchId.length) +
    batchId.length +
    varIntSize(indexKey.length) +
    indexKey.length;
  let recordsBytes = 0;
  for (let i = 0; i < records.length; i++) {
    const { key, valueBytes, index } = records[i] as BatchRecord;
    const indexDigits = digits(index);
    const body =
      1 + // attributes
      1 + // timestampDelta 0: every record has the batch's timestamp
      varIntSize(i) +
      (key === undefined ? 1 : varIntSize(key.length) + key.length) +
      varIntSize(valueBytes) +
      valueBytes +
      headersBytes +
      1 + // the index's length (at most 16 digits)
      indexDigits;
    bodies[i] = body;
    recordsBytes += varIntSize(body) + body;
  }

  const plain = Buffer.allocUnsafe(recordsBytes);
  let at = 0;
  for (let i = 0; i < records.length; i++) {
    const { key, value, valueBytes, index } = records[i] as BatchRecord;
    at = writeVarInt(plain, at, bodies[i] as number);
    plain[at++] = 0; // attributes
    plain[at++] = 0; // timestampDelta
    at = writeVarInt(plain, at, i);
    if (key === undefined) {
      plain[at++] = 1; // zigzag(-1): null key
    } else {
      at = writeVarInt(plain, at, key.length);
      at += key.copy(plain, at);
    }
    at = writeVarInt(plain, at, valueBytes);
    at += plain.write(value, at, valueBytes, 'utf8');
    plain[at++] = 4; // zigzag(2) headers
    at = writeVarInt(plain, at, idKey.length);
    at += idKey.copy(plain, at);
    at = writeVarInt(plain, at, batchId.length);
    at += batchId.copy(plain, at);
    at = writeVarInt(plain, at, indexKey.length);
    at += indexKey.copy(plain, at);
    const indexDigits = digits(index);
    plain[at++] = indexDigits * 2;
    at += plain.write(String(index), at, indexDigits, 'latin1');
  }

  let attributes = 0;
  let payload: Buffer = plain;
  if (identity.compression !== 'none') {
    const algorithm = compressionsAlgorithms[identity.compression];
    attributes |= algorithm.bitmask;
    payload = algorithm.compressSync(plain) as Buffer;
  }
  const batch = Buffer.allocUnsafe(HEADER_BYTES + payload.length);
  batch.writeBigInt64BE(0n, 0); // baseOffset: the broker assigns offsets
  batch.writeInt32BE(batch.length - 12, 8);
  batch.writeInt32BE(-1, 12); // partitionLeaderEpoch
  batch.writeInt8(2, 16); // magic
  batch.writeInt16BE(attributes, 21);
  batch.writeInt32BE(records.length - 1, 23); // lastOffsetDelta
  batch.writeBigInt64BE(identity.timestamp, 27);
  batch.writeBigInt64BE(identity.timestamp, 35);
  batch.writeBigInt64BE(identity.producerId, 43);
  batch.writeInt16BE(identity.producerEpoch, 51);
  batch.writeInt32BE(identity.baseSequence, 53);
  batch.writeInt32BE(records.length, 57);
  payload.copy(batch, HEADER_BYTES);
  batch.writeUInt32BE(crc32c(batch.subarray(CRC_FROM)), 17);
  return batch;
}
