export { KafkaExporter } from './kafka-exporter.js';
export type { Compression, KafkaExporterOptions, KeyOption, SaslOptions } from './options.js';
export { BATCH_ID_HEADER, BATCH_INDEX_HEADER } from './records.js';
