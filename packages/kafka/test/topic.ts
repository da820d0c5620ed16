// Test helpers around the real broker: topics, and an independent reader (kafkajs, another client
// implementation than the exporter's) that reads a topic from the beginning, keys and headers included.
import { Kafka, logLevel } from 'kafkajs';
import { createTopic, deleteTopic } from '../../../test-services/kafka/index.mjs';

export { createTopic, deleteTopic };

export interface ReadRecord {
  partition: number;
  offset: string;
  key: string | null;
  value: string;
  headers: Record<string, string>;
  /** The value parsed as JSON. */
  event: Record<string, unknown>;
}

/** Every record of `topic`, from the beginning of each partition to its end as the broker reports it now. */
export async function readTopic(brokers: string, topic: string): Promise<ReadRecord[]> {
  const kafka = new Kafka({
    clientId: 'ff-test-reader',
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  let ends: { partition: number; high: string; low: string }[];
  try {
    // Right after a topic is created the reader's metadata may name no leader yet: a retriable
    // answer (NOT_LEADER_OR_FOLLOWER, LEADER_NOT_AVAILABLE), asked again for up to 15 s.
    for (let started = Date.now(); ; ) {
      try {
        ends = await admin.fetchTopicOffsets(topic);
        break;
      } catch (err) {
        if (!(err as { retriable?: boolean }).retriable || Date.now() - started > 15_000) throw err;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  } finally {
    await admin.disconnect();
  }
  const wanted = new Map(
    ends.filter((p) => BigInt(p.high) > BigInt(p.low)).map((p) => [p.partition, BigInt(p.high)]),
  );
  if (wanted.size === 0) return [];
  const consumer = kafka.consumer({ groupId: `ff-test-reader-${topic}-${Date.now()}-${Math.random()}` });
  const records: ReadRecord[] = [];
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const done = new Set<number>();
      consumer
        .run({
          eachMessage: async ({ partition, message }) => {
            const value = message.value?.toString('utf8') ?? '';
            const headers: Record<string, string> = {};
            for (const [name, header] of Object.entries(message.headers ?? {}))
              headers[name] = String(header);
            records.push({
              partition,
              offset: message.offset,
              key: message.key === null ? null : message.key.toString('utf8'),
              value,
              headers,
              event: JSON.parse(value),
            });
            if (BigInt(message.offset) + 1n >= (wanted.get(partition) ?? 0n)) done.add(partition);
            if (done.size === wanted.size) resolve();
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return records;
}
