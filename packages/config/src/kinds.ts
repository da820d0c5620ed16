/** The kinds of GO Feature Flag's relay proxy this package wires, in their spelling. */
export const SUPPORTED_KINDS = [
  'file',
  'webhook',
  's3',
  'googleStorage',
  'azureBlobStorage',
  'kafka',
] as const;
export type SupportedKind = (typeof SUPPORTED_KINDS)[number];

/** Their other kinds: refused with "not supported yet" rather than "unknown". */
export const NOT_YET_SUPPORTED_KINDS = [
  'log',
  'sqs',
  'kinesis',
  'pubsub',
  'bigquery',
  'opentelemetry',
] as const;

/** How a config value is read. */
export type ValueType = 'string' | 'stringMap' | 'headers' | 'addresses' | 'map';

export interface KindSpec {
  /** The package that holds the exporter class, loaded only when wiring. */
  packageName: string;
  className: string;
  /** Config key (GO Feature Flag's spelling; `kafka.topic` for nested ones) → constructor option. */
  options: Readonly<Record<string, string>>;
  /** Config keys without which their relay proxy refuses the exporter. */
  required: readonly string[];
  /** Takes `format`, `filename`, `csvTemplate` and `parquetCompressionCodec`. */
  blob: boolean;
}

/** Keys every blob kind takes, each to the constructor option of the same name (the codec goes to `parquet()`). */
export const BLOB_KEYS = ['format', 'filename', 'csvTemplate', 'parquetCompressionCodec'] as const;

/** Keys every kind takes, to DataExporter's options. `maxPendingEvents` is ours: theirs have no bound. */
export const BATCHING_KEYS: Readonly<Record<string, string>> = {
  eventType: 'eventType',
  flushInterval: 'flushIntervalMs',
  maxEventInMemory: 'maxEventsInMemory',
  maxPendingEvents: 'maxPendingEvents',
};

/** The mapping, one table per kind. */
export const KINDS: Readonly<Record<SupportedKind, KindSpec>> = {
  file: {
    packageName: '@ff/exporter-file',
    className: 'FileExporter',
    options: { outputDir: 'outputDir' },
    required: ['outputDir'],
    blob: true,
  },
  webhook: {
    packageName: '@ff/exporter-webhook',
    className: 'WebhookExporter',
    options: { endpointUrl: 'endpointUrl', secret: 'secret', meta: 'meta', headers: 'headers' },
    required: ['endpointUrl'],
    blob: false,
  },
  s3: {
    packageName: '@ff/exporter-s3',
    className: 'S3Exporter',
    options: { bucket: 'bucket', path: 'path' },
    required: ['bucket'],
    blob: true,
  },
  googleStorage: {
    packageName: '@ff/exporter-gcs',
    className: 'GcsExporter',
    options: { bucket: 'bucket', path: 'path' },
    required: ['bucket'],
    blob: true,
  },
  azureBlobStorage: {
    packageName: '@ff/exporter-azure',
    className: 'AzureBlobExporter',
    options: { container: 'container', accountName: 'accountName', accountKey: 'accountKey', path: 'path' },
    required: ['container', 'accountName'],
    blob: true,
  },
  kafka: {
    packageName: '@ff/exporter-kafka',
    className: 'KafkaExporter',
    options: { 'kafka.topic': 'topic', 'kafka.addresses': 'addresses' },
    required: ['kafka.topic', 'kafka.addresses'],
    blob: false,
  },
};

export const PARQUET_PACKAGE = '@ff/exporter-parquet';

/** How each key's value is read; a key missing here is a string. */
export const VALUE_TYPES: Readonly<Record<string, ValueType>> = {
  meta: 'stringMap',
  headers: 'headers',
  kafka: 'map',
  'kafka.addresses': 'addresses',
  'kafka.config': 'map',
};

/**
 * Every key their relay proxy's exporter entry has (`ExporterConf`): one of these on a kind that
 * does not use it is ignored with a warning; any other key is unknown ("did you mean").
 */
export const GOFF_EXPORTER_KEYS = [
  'kind',
  'eventType',
  'flushInterval',
  'maxEventInMemory',
  'outputDir',
  'format',
  'filename',
  'csvTemplate',
  'parquetCompressionCodec',
  'bucket',
  'path',
  'endpointUrl',
  'secret',
  'meta',
  'headers',
  'kafka',
  'container',
  'accountName',
  'accountKey',
  'logFormat',
  'tracerName',
  'queueUrl',
  'projectID',
  'datasetID',
  'tableName',
  'googleCredentials',
  'autoMigrate',
  'topic',
  'streamArn',
  'streamName',
] as const;

export const KAFKA_KEYS = ['topic', 'addresses', 'config'] as const;

/** The keys a kind takes, in GO Feature Flag's spelling (top level only; `kafka` stands for its map). */
export function keysOf(kind: SupportedKind): string[] {
  const spec = KINDS[kind];
  const own = Object.keys(spec.options).map((key) => key.split('.')[0]!);
  return [...new Set(['kind', ...Object.keys(BATCHING_KEYS), ...own, ...(spec.blob ? BLOB_KEYS : [])])];
}
