import { existsSync, readFileSync } from 'node:fs';
import * as zlib from 'node:zlib';
import { DataExporter, type FanOut } from '@ff/exporter-core';
import { recordingLogger, sampleEvents } from '@ff/exporter-testkit';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ConfigError, createExporter, MissingPackageError } from '../src/index.js';
import { ALL_SIX, ALL_SIX_NAMES, fixture, recordingLoader } from './stand-ins.js';

const hasZstd = typeof (zlib as { zstdCompressSync?: unknown }).zstdCompressSync === 'function';
const silent = recordingLogger();
const asFanOut = (wired: DataExporter | FanOut) => wired as FanOut;

describe('createExporter', () => {
  it('accepts a config with all six kinds as is and wires all six', async () => {
    const { load, constructed } = recordingLoader({ real: ['@ff/exporter-file', '@ff/exporter-parquet'] });
    // Before Node.js 22.15 node:zlib has no zstd: the application brings a compressor (any function here).
    const parquetCompressors = hasZstd ? undefined : { ZSTD: (bytes: Uint8Array) => bytes };
    const wired = asFanOut(
      await createExporter(ALL_SIX, {
        load,
        logger: silent,
        ...(parquetCompressors && { parquetCompressors }),
      }),
    );
    try {
      expect(wired.members.map((m) => m.name)).toEqual(ALL_SIX_NAMES);
      expect(wired.members.every((m) => m instanceof DataExporter)).toBe(true);
      const byClass = Object.fromEntries(constructed.map((c) => [c.className, c.options]));
      expect(Object.keys(byClass).sort()).toEqual([
        'AzureBlobExporter',
        'GcsExporter',
        'KafkaExporter',
        'S3Exporter',
        'WebhookExporter',
      ]);
      expect(byClass.WebhookExporter).toEqual({
        endpointUrl: 'https://hooks.example.com/goff',
        secret: 's3cr3t',
        meta: { env: 'prod' },
        headers: { Authorization: ['Bearer xyz'] },
      });
      const s3 = byClass.S3Exporter!;
      expect(s3.bucket).toBe('evaluation-data-bucket');
      expect(s3.path).toBe('goff/variations');
      expect(s3.format).toMatchObject({ name: 'parquet', compression: 'ZSTD' });
      expect(byClass.KafkaExporter).toEqual({
        topic: 'go-feature-flag-events',
        addresses: ['localhost:9092'],
      });
      expect(byClass.AzureBlobExporter).toEqual({
        container: 'test-goff',
        accountName: 'goff',
        format: 'json',
      });
      expect(byClass.GcsExporter).toEqual({ bucket: 'test-goff', format: 'json' });
    } finally {
      await wired.close();
    }
    // Nothing was exported, so the real file exporter never touched its folder.
    expect(existsSync('/output-data')).toBe(false);
  });

  it.each([
    ['docs-file.yaml', 'file', 'FileExporter', undefined],
    ['docs-webhook.yaml', 'webhook', 'WebhookExporter', { endpointUrl: 'https://your-webhook-url.com/' }],
    ['docs-aws-s3.yaml', 's3', 'S3Exporter', { bucket: 'evaluation-data-bucket', format: 'json' }],
    [
      'docs-google-cloud-storage.yaml',
      'googleStorage',
      'GcsExporter',
      { bucket: 'test-goff', format: 'json' },
    ],
    [
      'docs-azure-blob-storage.yaml',
      'azureBlobStorage',
      'AzureBlobExporter',
      { container: 'test-goff', accountName: 'goff', format: 'json' },
    ],
    [
      'docs-kafka.yaml',
      'kafka',
      'KafkaExporter',
      { topic: 'go-feature-flag-events', addresses: ['localhost:9092'] },
    ],
  ])('their documentation example %s wires a %s exporter (%s)', async (file, kind, className, options) => {
    const { load, constructed } = recordingLoader({ real: ['@ff/exporter-file'] });
    const wired = await createExporter(fixture(file), { load, logger: silent });
    try {
      expect(wired).toBeInstanceOf(DataExporter);
      expect((wired as DataExporter).name).toBe(kind);
      // file: the real FileExporter, no stand-in.
      expect(constructed).toEqual(options ? [{ className, options, exported: [], closed: 0 }] : []);
    } finally {
      await wired.close();
    }
  });

  it('wires exporter: and exporters: both, the single one first (their test file, endpointURL spelling)', async () => {
    const document = parse(readFileSync(fixture('valid-yaml-exporter-and-exporters.yaml'), 'utf8'));
    // As is, its `exporter:` is their log exporter, which is not here yet.
    await expect(createExporter(document, { logger: silent })).rejects.toThrow(
      'invalid exporter: kind "log" is not supported yet by @ff/exporter-config',
    );
    document.exporter = { kind: 'googleStorage', bucket: 'evaluations' };
    const { load, constructed } = recordingLoader({ real: ['@ff/exporter-file'] });
    const wired = asFanOut(await createExporter(document, { load, logger: silent, cwd: '/srv/app' }));
    try {
      expect(wired.members.map((m) => m.name)).toEqual(['googleStorage#0', 'webhook#1', 'file#2']);
      expect(constructed.map((c) => c.options)).toEqual([
        { bucket: 'evaluations', format: 'json' },
        { endpointUrl: 'https://example.com/webhook' },
      ]);
    } finally {
      await wired.close();
    }
  });

  it('their JSON config is read as YAML (JSON is YAML) and refused for its log exporter', async () => {
    await expect(createExporter(fixture('valid-file.json'), { logger: silent })).rejects.toThrow(
      `kind "log" is not supported yet by @ff/exporter-config; supported kinds: file, webhook, s3, googleStorage, azureBlobStorage, kafka`,
    );
  });

  it('their kafka test file wires the kafka exporter with its topic and addresses', async () => {
    const { load, constructed } = recordingLoader();
    const wired = await createExporter(fixture('valid-env-exporters-kafka.yaml'), { load, logger: silent });
    await wired.close();
    expect(constructed[0]!.options).toEqual({ topic: 'svc-goff.evaluation', addresses: ['kafka:9092'] });
  });

  it("a flag set's exporters are wired when { flagSet } names it", async () => {
    const config = {
      exporter: { kind: 'webhook', endpointUrl: 'https://top.example' },
      flagsets: [
        { name: 'team-a', apiKeys: ['k1'], exporters: [{ kind: 's3', bucket: 'team-a-events' }] },
        {
          name: 'team-b',
          apiKeys: ['k2'],
          exporter: { kind: 'kafka', kafka: { topic: 'b', addresses: ['k:9092'] } },
        },
      ],
    };
    const { load, constructed } = recordingLoader();
    const teamA = await createExporter(config, { load, flagSet: 'team-a', logger: silent });
    const top = await createExporter(config, { load, logger: silent });
    await Promise.all([teamA.close(), top.close()]);
    expect(constructed.map((c) => c.className)).toEqual(['S3Exporter', 'WebhookExporter']);
    await expect(createExporter(config, { load, flagSet: 'team-c' })).rejects.toThrow(
      'flagset team-c not found (flag sets: team-a, team-b)',
    );
    await expect(createExporter({ flagsets: config.flagsets }, { load })).rejects.toThrow(
      "the config's exporters are in its flag sets (team-a, team-b): name one with { flagSet: name }",
    );
  });

  it('validates before loading anything: an invalid config loads no package', async () => {
    const { load, loaded } = recordingLoader();
    await expect(
      createExporter({ exporters: [{ kind: 's3', bucket: 'b' }, { kind: 'webhook' }] }, { load }),
    ).rejects.toThrow(ConfigError);
    expect(loaded).toEqual([]);
  });

  it('names every package to install when some are missing', async () => {
    const load = async (name: string) => {
      throw new MissingPackageError(name);
    };
    const error = await createExporter(ALL_SIX.replace('ZSTD', 'GZIP'), { load, logger: silent }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.problems).toContain('kind "s3" needs the @ff/exporter-s3 package, which is not installed');
    expect(error.problems).toContain(
      'format "parquet" (exporters[2]) needs the @ff/exporter-parquet package, which is not installed',
    );
    expect(error.problems.at(-1)).toBe(
      'install: npm install @ff/exporter-azure @ff/exporter-file @ff/exporter-gcs @ff/exporter-kafka @ff/exporter-parquet @ff/exporter-s3 @ff/exporter-webhook',
    );
  });

  it('a package that fails to load for another reason says so, not "not installed"', async () => {
    const load = async () => {
      throw Object.assign(new Error("Cannot find package '@aws-sdk/client-s3' imported from /app/s3.js"), {
        code: 'ERR_MODULE_NOT_FOUND',
      });
    };
    await expect(createExporter({ exporter: { kind: 's3', bucket: 'b' } }, { load })).rejects.toThrow(
      'kind "s3": cannot load @ff/exporter-s3: Cannot find package \'@aws-sdk/client-s3\'',
    );
  });

  it('warnings go to the logger, with the config file', async () => {
    const logger = recordingLogger();
    const { load } = recordingLoader();
    const wired = await createExporter(
      { exporter: { kind: 'webhook', endpointUrl: 'https://x.example', secrett: 'x' } },
      { load, logger },
    );
    await wired.close();
    expect(logger.entries.map((e) => [e.level, e.message])).toEqual([
      ['warn', 'exporter: unknown key "secrett" ignored (did you mean "secret"?)'],
    ]);
  });

  it('exporterOptions go over the config, dataExporter options under it', async () => {
    const { load, constructed } = recordingLoader();
    const wired = (await createExporter(
      { exporter: { kind: 's3', bucket: 'b', flushInterval: 100 } },
      {
        load,
        logger: silent,
        exporterOptions: { s3: { clientConfig: { region: 'eu-west-1' } }, kafka: { clientId: 'x' } },
        dataExporter: { flushIntervalMs: 5, closeTimeoutMs: 1000 },
      },
    )) as DataExporter;
    expect(constructed[0]!.options).toEqual({
      bucket: 'b',
      format: 'json',
      clientConfig: { region: 'eu-west-1' },
    });
    // flushInterval 100 (the config's) rather than 5: one event is not exported after 30 ms.
    wired.add(sampleEvents(1)[0]!);
    await new Promise((r) => setTimeout(r, 30));
    expect(constructed[0]!.exported).toHaveLength(0);
    await wired.close();
    expect(constructed[0]!.exported).toHaveLength(1);
    expect(constructed[0]!.closed).toBe(1);
  });

  it('maxEventInMemory cuts a batch, maxPendingEvents bounds what is held, eventType filters', async () => {
    const { load, constructed } = recordingLoader();
    const wired = asFanOut(
      await createExporter(
        {
          exporters: [
            { kind: 'webhook', endpointUrl: 'https://a.example', maxEventInMemory: 2, maxPendingEvents: 3 },
            { kind: 'webhook', endpointUrl: 'https://b.example', eventType: 'tracking' },
          ],
        },
        { load, logger: silent },
      ),
    );
    const features = sampleEvents(2);
    for (const event of features) wired.add(event);
    wired.add(sampleEvents(1, { kind: 'tracking' })[0]!);
    await wired.flush();
    expect(constructed[0]!.exported).toEqual(features);
    expect(constructed[1]!.exported.map((e) => e.kind)).toEqual(['tracking']);
    await wired.close();
  });

  it('an exporter with its own batching defaults keeps them when the config sets none (Kafka: a short linger)', async () => {
    const { load, constructed } = recordingLoader({
      batchingDefaults: { KafkaExporter: { maxEventsInMemory: 1 } },
    });
    const wired = await createExporter(fixture('docs-kafka.yaml'), { load, logger: silent });
    wired.add(sampleEvents(1)[0]!);
    await new Promise((r) => setTimeout(r, 20));
    expect(constructed[0]!.exported).toHaveLength(1);
    await wired.close();
  });

  it('an exporter refusing its options is reported with where it is, and the others are closed', async () => {
    const { load, constructed } = recordingLoader();
    const failing = async (name: string) => {
      if (name !== '@ff/exporter-kafka') return load(name);
      return {
        KafkaExporter: class {
          constructor() {
            throw new TypeError('KafkaExporter option addresses must be host:port');
          }
        },
      };
    };
    await expect(
      createExporter(
        {
          exporters: [
            { kind: 's3', bucket: 'b' },
            { kind: 'kafka', kafka: { topic: 't', addresses: ['nope'] } },
          ],
        },
        { load: failing, logger: silent },
      ),
    ).rejects.toThrow('exporters[1] (kind "kafka"): KafkaExporter option addresses must be host:port');
    expect(constructed[0]!.closed).toBe(1);
  });
});
