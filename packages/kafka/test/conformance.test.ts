import { exporterConformance } from '@ff/exporter-testkit';
import { beforeAll } from 'vitest';
import { usePeer } from '../../../test-services/peers.mjs';
import { KafkaExporter } from '../src/index.js';
import { createTopic, deleteTopic, readTopic } from './topic.js';

let brokers = '';
beforeAll(async () => {
  brokers = (await usePeer('kafka')).KAFKA_BROKERS as string;
});

exporterConformance({
  name: 'KafkaExporter',
  createExporter: async (sink) => {
    // Three partitions, so records of one batch spread as in production; a topic limit above the
    // suite's ~1 MB value (the broker's default max.message.bytes is 1 MiB, records over it are
    // refused and counted failed: see kafka-exporter.test.ts).
    await createTopic(brokers, sink.id, { partitions: 3, configs: { 'max.message.bytes': 4 * 1024 * 1024 } });
    return new KafkaExporter({ topic: sink.id, addresses: [brokers] });
  },
  // An independent consumer (kafkajs) reads the topic from the beginning to its end.
  readBack: async (sink) => ({ events: (await readTopic(brokers, sink.id)).map((record) => record.event) }),
  cleanup: (sink) => deleteTopic(brokers, sink.id),
  // A resent batch is written again (the broker only de-duplicates within one producer session):
  // consumers drop duplicates by the ff-batch-id and ff-batch-index headers (README).
  capabilities: { retryDuplicatesDocumentedForSink: true },
});
