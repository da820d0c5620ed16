import type { Connection, Reader } from '@platformatic/kafka';
import { ProtocolError, Writer } from '@platformatic/kafka';

/** One partition's RecordBatch in a produce request. */
export interface PartitionBatch {
  partition: number;
  batch: Buffer;
}

/** A partition's answer: errorCode 0 is success. */
export interface PartitionResult {
  partition: number;
  errorCode: number;
  errorMessage: string | null;
}

const PRODUCE = 0;
// Produce v9 is the first flexible version (Kafka 2.4+) and still served by Kafka 4; later versions
// add nothing the exporter uses.
const PRODUCE_VERSION = 9;

/** Produce v9 response: per topic, per partition, its error code and message (offsets are not needed). */
function parseResponse(
  _correlationId: number,
  _apiKey: number,
  _apiVersion: number,
  reader: Reader,
): PartitionResult[] {
  const results: PartitionResult[] = [];
  reader.readArray((topic) => {
    topic.readString();
    topic.readArray((partition) => {
      const index = partition.readInt32();
      const errorCode = partition.readInt16();
      partition.readInt64(); // base_offset
      partition.readInt64(); // log_append_time_ms
      partition.readInt64(); // log_start_offset
      partition.readArray((recordError) => {
        recordError.readInt32();
        recordError.readNullableString();
      });
      const errorMessage = partition.readNullableString();
      results.push({ partition: index, errorCode, errorMessage });
    });
  });
  reader.readInt32(); // throttle_time_ms
  return results;
}

/**
 * Sends one produce request (acks=all) with one RecordBatch per partition over `connection`, and
 * resolves each partition's result; rejects only when no answer came (network error, timeout).
 */
export function produce(
  connection: Connection,
  topic: string,
  batches: readonly PartitionBatch[],
  timeoutMs: number,
): Promise<PartitionResult[]> {
  return new Promise((resolve, reject) => {
    const payload = () => {
      const writer = Writer.create()
        .appendUnsignedVarInt(0) // transactional_id: null
        .appendInt16(-1) // acks: all in-sync replicas
        .appendInt32(timeoutMs)
        .appendUnsignedVarInt(2) // one topic
        .appendString(topic)
        .appendUnsignedVarInt(batches.length + 1);
      for (const { partition, batch } of batches) {
        writer
          .appendInt32(partition)
          .appendUnsignedVarInt(batch.length + 1)
          .append(batch)
          .appendTaggedFields();
      }
      return writer.appendTaggedFields().appendTaggedFields();
    };
    connection.send(PRODUCE, PRODUCE_VERSION, payload, parseResponse, true, true, (error, results) =>
      error ? reject(error) : resolve(results as PartitionResult[]),
    );
  });
}

/** The client's error for a partition's error code: its name, whether the broker deems it retriable. */
export const partitionError = (result: PartitionResult): Error =>
  new ProtocolError(result.errorCode, result.errorMessage);
