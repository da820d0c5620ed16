import * as zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ConfigError, type ExporterPlan, planExporters } from '../src/index.js';

function problemsOf(config: Record<string, unknown> | string): readonly string[] {
  try {
    planExporters(config, { cwd: '/srv/app' });
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected the config to be refused');
}

const one = (exporter: Record<string, unknown>) => ({ exporter });
const SUPPORTED = 'supported kinds: file, webhook, s3, googleStorage, azureBlobStorage, kafka';

// Their relay proxy's validation cases (cmd/relayproxy/config/exporter_test.go), with their messages.
// A user switching over sees the same words; where ours adds a hint, it comes after theirs.
const refused: [name: string, exporter: Record<string, unknown>, theirs: string][] = [
  ['no fields', {}, 'invalid exporter: kind "" is not supported'],
  ['invalid kind', { kind: 'invalid' }, 'invalid exporter: kind "invalid" is not supported'],
  [
    'kind file without outputDir',
    { kind: 'file' },
    'invalid exporter: no "outputDir" property found for kind "file"',
  ],
  ['kind s3 without bucket', { kind: 's3' }, 'invalid exporter: no "bucket" property found for kind "s3"'],
  [
    'kind googleStorage without bucket',
    { kind: 'googleStorage' },
    'invalid exporter: no "bucket" property found for kind "googleStorage"',
  ],
  [
    'kind azureBlobStorage without container',
    { kind: 'azureBlobStorage', container: '', accountName: 'MyAccount' },
    'invalid exporter: no "container" property found for kind "azureBlobStorage"',
  ],
  [
    'kind azureBlobStorage without accountName',
    { kind: 'azureBlobStorage', container: 'MyContainer', accountName: '' },
    'invalid exporter: no "accountName" property found for kind "azureBlobStorage"',
  ],
  [
    'kind webhook without endpoint',
    { kind: 'webhook' },
    'invalid exporter: no "endpointUrl" property found for kind "webhook"',
  ],
  [
    'invalid parquetCompressionCodec',
    { kind: 'googleStorage', bucket: 'testbucket', format: 'parquet', parquetCompressionCodec: 'invalid' },
    'invalid exporter: "parquetCompressionCodec" err: not a valid CompressionCodec string',
  ],
  [
    'kind kafka without topic',
    { kind: 'kafka', kafka: { addresses: ['localhost:9092'] } },
    // Theirs spells it "kakfa.topic"; the key is kafka.topic.
    'invalid exporter: "kafka.topic" and "kafka.addresses" are required for kind "kafka"',
  ],
  [
    'kind kafka without addresses',
    { kind: 'kafka', kafka: { topic: 'events', addresses: [] } },
    'invalid exporter: "kafka.topic" and "kafka.addresses" are required for kind "kafka"',
  ],
];

// Their valid cases for the kinds we have, accepted as they are.
const accepted: [name: string, exporter: Record<string, unknown>][] = [
  [
    'kind webhook valid',
    {
      kind: 'webhook',
      endpointUrl: 'http://testingwebhook.com/test/',
      secret: 'secret-for-signing',
      meta: { extraInfo: 'info' },
    },
  ],
  [
    'kind file valid',
    {
      kind: 'file',
      outputDir: '/tmp/',
      format: 'json',
      filename: 'flag-variation-{{ .Hostname}}-{{ .Timestamp}}.{{ .Format}}-custom-file',
      csvTemplate: '{{ .Kind}};{{ .ContextKind}};{{ .UserKey}};{{ .CreationDate}};{{ .Key}}\n',
    },
  ],
  [
    'kind s3 valid',
    {
      kind: 's3',
      bucket: 'testbucket',
      csvTemplate: '{{ .Kind}};{{ .ContextKind}};{{ .UserKey}};{{ .CreationDate}};{{ .Key}}\n',
      filename: 'flag-variation-{{ .Hostname}}-{{ .Timestamp}}.{{ .Format}}-custom-file',
      format: 'json',
      path: '/here/',
    },
  ],
  [
    'kind googleStorage valid',
    {
      kind: 'googleStorage',
      bucket: 'testbucket',
      csvTemplate: '{{ .Kind}};{{ .ContextKind}};{{ .UserKey}};{{ .CreationDate}};{{ .Key}}\n',
      filename: 'flag-variation-{{ .Hostname}}-{{ .Timestamp}}.{{ .Format}}-custom-file',
      format: 'json',
      path: '/here/',
    },
  ],
];

// Their valid cases for kinds we do not have yet.
const notYet: [name: string, exporter: Record<string, unknown>][] = [
  ['kind log valid', { kind: 'log', format: '[{{ .FormattedDate}}] user="{{ .UserKey}}"' }],
  ['kind SQS valid', { kind: 'sqs', queueUrl: 'https://sqs.eu-west-1.amazonaws.com/XXX/test-queue' }],
  ['kind Kinesis valid', { kind: 'kinesis', streamName: 'test-stream' }],
  ['kind PubSub valid', { kind: 'pubsub', projectID: 'fake-project-id', topic: 'fake-topic' }],
  ['kind BigQuery valid', { kind: 'bigquery', projectID: 'fake-project-id', datasetID: 'fake-dataset' }],
  ['kind opentelemetry', { kind: 'opentelemetry' }],
];

describe('their validation cases', () => {
  it.each(refused)('%s: refused with their message', (_, exporter, theirs) => {
    const problems = problemsOf(one(exporter));
    expect(problems).toHaveLength(1);
    expect(problems[0]!.startsWith(theirs)).toBe(true);
  });

  it.each(accepted)('%s: accepted', (_, exporter) => {
    expect(planExporters(one(exporter)).exporters).toHaveLength(1);
  });

  it.each(notYet)('%s: "not supported yet", with the list of what is', (_, exporter) => {
    expect(problemsOf(one(exporter))).toEqual([
      `invalid exporter: kind "${exporter.kind}" is not supported yet by @ff/exporter-config; ${SUPPORTED}`,
    ]);
  });

  it('an unknown kind lists what is supported and guesses what was meant', () => {
    expect(problemsOf(one({ kind: 'googleStorag', bucket: 'b' }))).toEqual([
      `invalid exporter: kind "googleStorag" is not supported (did you mean "googleStorage"?); ${SUPPORTED}`,
    ]);
  });

  it('an entry of a list is named by its index, a flag set by its name, as theirs', () => {
    expect(problemsOf({ exporters: [{ kind: 'file', outputDir: '/x' }, { kind: 's3' }] })).toEqual([
      'exporter at index 1 validation failed: invalid exporter: no "bucket" property found for kind "s3"',
    ]);
    expect(
      problemsOf({ flagsets: [{ name: 'team-a', exporters: [{ kind: 'webhook' }] }] }).length,
    ).toBeGreaterThan(0);
    expect(() =>
      planExporters(
        { flagsets: [{ name: 'team-a', exporters: [{ kind: 'webhook' }] }] },
        { flagSet: 'team-a' },
      ),
    ).toThrow(
      'flagset team-a: exporter at index 0 validation failed: invalid exporter: no "endpointUrl" property found for kind "webhook"',
    );
  });

  it('every problem is reported at once', () => {
    const problems = problemsOf({
      exporter: { kind: 'sqs' },
      exporters: [{ kind: 'file' }, { kind: 'kafka', kafka: { topic: 't' } }, { kind: 'webhook' }],
    });
    expect(problems).toHaveLength(4);
  });
});

describe('keys and values', () => {
  const plan = (exporter: Record<string, unknown>): ExporterPlan =>
    planExporters(one(exporter), { cwd: '/srv/app' });

  it('keys match in any case, as theirs (their tests write endpointURL)', () => {
    const { exporters } = planExporters({
      EXPORTERS: [{ KIND: 'webhook', endpointURL: 'https://example.com/hook', FlushInterval: '5000' }],
    });
    expect(exporters[0]!.options).toEqual({ endpointUrl: 'https://example.com/hook' });
    expect(exporters[0]!.batching).toEqual({ flushIntervalMs: 5000 });
  });

  it('a key written twice in different cases is refused rather than guessed', () => {
    expect(
      problemsOf(
        one({ kind: 'webhook', endpointUrl: 'https://a.example', endpointURL: 'https://b.example' }),
      ),
    ).toEqual(['invalid exporter: "endpointUrl" is given twice, in different cases']);
  });

  it('unknown keys are warned about, with the key probably meant', () => {
    const { warnings } = plan({ kind: 'file', outputDir: 'out', flushIntervall: 10, formt: 'csv' });
    expect(warnings).toEqual([
      'exporter: unknown key "flushIntervall" ignored (did you mean "flushInterval"?)',
      'exporter: unknown key "formt" ignored (did you mean "format"?)',
    ]);
  });

  it('their keys of another kind are ignored with a warning', () => {
    const { warnings, exporters } = plan({ kind: 'webhook', endpointUrl: 'https://x.example', bucket: 'b' });
    expect(warnings).toEqual(['exporter: key "bucket" is not used by kind "webhook", ignored']);
    expect(exporters[0]!.options).toEqual({ endpointUrl: 'https://x.example' });
  });

  it('the rest of a relay-proxy file is left alone; a near-miss of "exporters" is not', () => {
    const { warnings } = planExporters({
      server: { port: 1031 },
      retriever: { kind: 'http' },
      exporter: { kind: 'file', outputDir: 'out' },
      exportrs: [{ kind: 's3' }],
    });
    expect(warnings).toEqual(['unknown key "exportrs" ignored (did you mean "exporters"?)']);
  });

  it('0 means the default, as theirs; maxEventInMemory becomes maxEventsInMemory', () => {
    expect(
      plan({ kind: 'file', outputDir: 'o', flushInterval: 0, maxEventInMemory: 0 }).exporters[0]!.batching,
    ).toEqual({});
    expect(
      plan({
        kind: 'file',
        outputDir: 'o',
        maxEventInMemory: 5000,
        maxPendingEvents: 20000,
        eventType: 'Tracking',
      }).exporters[0]!.batching,
    ).toEqual({ maxEventsInMemory: 5000, maxPendingEvents: 20000, eventType: 'tracking' });
  });

  it.each([
    [
      { flushInterval: 'soon' },
      '"flushInterval" must be a whole number of milliseconds from 0 to 2147483647, got "soon"',
    ],
    [{ flushInterval: -1 }, '"flushInterval" must be a whole number of milliseconds'],
    [{ maxEventInMemory: 1.5 }, '"maxEventInMemory" must be a whole number of events'],
    [{ eventType: 'evaluation' }, '"eventType" must be "feature" or "tracking", got "evaluation"'],
    [{ format: 'xml' }, '"format" must be JSON, CSV or Parquet (any case), got "xml"'],
    [{ maxPendingEvents: 10 }, '"maxPendingEvents" (10) must be at least "maxEventInMemory" (100000)'],
    [
      { maxEventInMemory: 50, maxPendingEvents: 10 },
      '"maxPendingEvents" (10) must be at least "maxEventInMemory" (50)',
    ],
    [{ format: 'csv', csvTemplate: '{{ .Kind}};{{ .Colour}}' }, "csvTemplate: unknown field '{{ .Colour}}'"],
    [{ filename: '../../etc/{{ .Timestamp}}' }, "filename '../../etc/{{ .Timestamp}}' would escape"],
    [{ filename: '{{ .Date}}.json' }, "filename: unknown placeholder '{{ .Date}}'"],
  ])('%o is refused, naming the key', (keys, message) => {
    const problems = problemsOf(one({ kind: 'file', outputDir: 'out', ...keys }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`invalid exporter: ${message}`);
  });

  it('a secret never appears in a message', () => {
    const problems = problemsOf(
      one({ kind: 'webhook', endpointUrl: 'https://x.example', secret: { s3cr3t: 1 } }),
    );
    expect(problems).toEqual(['invalid exporter: "secret" must be a string, got (hidden)']);
  });

  it("a file exporter's relative outputDir is relative to cwd", () => {
    expect(plan({ kind: 'file', outputDir: './data' }).exporters[0]!.options.outputDir).toBe('/srv/app/data');
  });

  it('kafka: a list of addresses, or their environment form (comma-separated)', () => {
    const { exporters, warnings } = plan({
      kind: 'kafka',
      kafka: { Topic: 'events', addresses: 'k1:9092, k2:9092' },
    });
    expect(exporters[0]!.options).toEqual({ topic: 'events', addresses: ['k1:9092', 'k2:9092'] });
    expect(warnings).toEqual([]);
  });

  it('kafka.config: the Sarama settings with an equivalent are translated, the others named in a warning', () => {
    const { exporters, warnings } = plan({
      kind: 'kafka',
      kafka: {
        topic: 'events',
        addresses: ['k1:9092'],
        config: {
          ClientID: 'relay-proxy',
          Net: {
            TLS: { Enable: true },
            SASL: { Enable: true, Mechanism: 'SCRAM-SHA-512', User: 'goff', Password: 'pw' },
            DialTimeout: '10s',
          },
          producer: { compression: 2, retry: { max: 3 } },
        },
      },
    });
    expect(exporters[0]!.options).toEqual({
      clientId: 'relay-proxy',
      tls: true,
      sasl: { mechanism: 'SCRAM-SHA-512', username: 'goff', password: 'pw' },
      compression: 'snappy',
      topic: 'events',
      addresses: ['k1:9092'],
    });
    expect(warnings).toEqual([
      'exporter: "kafka.config" settings of their Go client (Sarama) not translated: Net.DialTimeout, ' +
        'producer.retry.max; give KafkaExporter options for them in createExporter(config, { exporterOptions: { kafka } })',
    ]);
  });

  it.each([
    [
      { Net: { SASL: { Enable: true, Mechanism: 'GSSAPI' } } },
      '"kafka.config.Net.SASL.Mechanism" must be PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 here, got "GSSAPI"',
    ],
    [{ Net: { SASL: { Enable: 'yes' } } }, '"kafka.config.Net.SASL.Enable" must be true or false, got "yes"'],
    [
      { Net: { SASL: { Enable: true, Password: ['pw'] } } },
      '"kafka.config.Net.SASL.Password" must be a string, got (hidden)',
    ],
    [
      { Producer: { Compression: 'brotli' } },
      '"kafka.config.Producer.Compression" must be one of none, gzip, snappy, lz4, zstd (or 0 to 4), got "brotli"',
    ],
  ])('kafka.config %o is refused, naming the setting', (config, message) => {
    expect(problemsOf(one({ kind: 'kafka', kafka: { topic: 't', addresses: ['k:9092'], config } }))).toEqual([
      `invalid exporter: ${message}`,
    ]);
  });

  it('webhook headers: their map of string lists, a single string taken as a list', () => {
    const { exporters } = plan({
      kind: 'webhook',
      endpointUrl: 'https://x.example',
      meta: { env: 'prod', build: 42 },
      headers: { Authorization: ['Bearer xyz'], 'X-Team': 'checkout' },
    });
    expect(exporters[0]!.options).toEqual({
      endpointUrl: 'https://x.example',
      meta: { env: 'prod', build: '42' },
      headers: { Authorization: ['Bearer xyz'], 'X-Team': ['checkout'] },
    });
  });

  it('csvTemplate only counts with CSV, as theirs; parquetCompressionCodec only with Parquet', () => {
    const json = plan({
      kind: 's3',
      bucket: 'b',
      csvTemplate: '{{ .Key}}\n',
      parquetCompressionCodec: 'gzip',
    });
    expect(json.exporters[0]!.options).toEqual({ bucket: 'b', format: 'json' });
    expect(json.exporters[0]!.parquet).toBeUndefined();
    const parquet = plan({ kind: 's3', bucket: 'b', format: 'Parquet', parquetCompressionCodec: 'gzip' });
    expect(parquet.exporters[0]!.parquet).toEqual({ compression: 'GZIP' });
    expect(plan({ kind: 's3', bucket: 'b', format: 'PARQUET' }).exporters[0]!.parquet).toEqual({
      compression: 'SNAPPY',
    });
  });
});

describe('parquetCompressionCodec ZSTD', () => {
  const hasZstd = typeof (zlib as { zstdCompressSync?: unknown }).zstdCompressSync === 'function';
  const zstd = { kind: 's3', bucket: 'b', format: 'parquet', parquetCompressionCodec: 'ZSTD' };

  it.skipIf(hasZstd)('before Node.js 22.15: says it needs Node.js >= 22.15 or a compressor', () => {
    expect(problemsOf(one(zstd))).toEqual([
      `invalid exporter: "parquetCompressionCodec" ZSTD needs Node.js >= 22.15 (node:zlib's zstd; this is ${process.version}) ` +
        'or a compressor: createExporter(config, { parquetCompressors: { ZSTD: (bytes) => compressed } }); ' +
        'SNAPPY (the default), GZIP, BROTLI and UNCOMPRESSED work everywhere',
    ]);
  });

  it('accepted with a compressor on any Node.js, and as is where node:zlib has zstd', () => {
    const compressors = { ZSTD: (bytes: Uint8Array) => bytes };
    expect(planExporters(one(zstd), { parquetCompressors: compressors }).exporters[0]!.parquet).toEqual({
      compression: 'ZSTD',
    });
    if (hasZstd) expect(planExporters(one(zstd)).exporters).toHaveLength(1);
  });

  it('LZ4 is a Parquet codec nobody here compresses: it needs a compressor', () => {
    expect(problemsOf(one({ ...zstd, parquetCompressionCodec: 'lz4' }))[0]).toContain(
      '"parquetCompressionCodec" LZ4 needs a compressor',
    );
  });
});
