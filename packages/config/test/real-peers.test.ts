import { createHmac } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { DataExporter, ExportableEvent } from '@ff/exporter-core';
import { goffCsvRow, goffJsonRecord, recordingLogger, sampleEvents } from '@ff/exporter-testkit';
import { parquetReadObjects } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAlive } from '../../../test-services/lib.mjs';
import { stateDir } from '../../../test-services/peers.mjs';
import { createExporter } from '../src/index.js';
import { installed } from './stand-ins.js';

// Their config, wired with the real exporter packages against the real peers, and what landed read
// back. A kind whose package has not landed in this checkout, or whose peer is not up, is skipped; its
// mapping is tested with a stand-in in create-exporter.test.ts.
/**
 * The env of a peer that `node test-services/peers.mjs up` (or `npm test`) started, else undefined:
 * these tests never start peers themselves, so they also run, skipped, with the unit tests on other
 * Node lines, where no peer is up.
 */
function runningPeer(peer: string): Record<string, string> | undefined {
  const state = join(stateDir, `${peer}.json`);
  if (!existsSync(state)) return undefined;
  const { env, pids } = JSON.parse(readFileSync(state, 'utf8')) as {
    env: Record<string, string>;
    pids: number[];
  };
  return pids.every(isAlive) ? env : undefined;
}
const bucketName = (what: string) => `ff-config-${what}-${process.pid}-${Date.now().toString(36)}`;
const toArrayBuffer = (bytes: Uint8Array) =>
  bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;

async function ok(response: Response, what: string): Promise<Response> {
  if (!response.ok) throw new Error(`${what}: ${response.status} ${await response.text()}`);
  return response;
}

describe.skipIf(!(await installed('webhook')))('kind: webhook, against a real node:http receiver', () => {
  const received: { headers: IncomingHttpHeaders; body: Buffer }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(200).end();
    });
  });
  let url: string;
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/goff`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('their webhook keys (endpointURL spelling, secret, meta, headers) reach the receiver as sent', async () => {
    const wired = (await createExporter(
      `exporters:
  - kind: webhook
    endpointURL: ${url}
    secret: s3cr3t
    meta: { env: prod }
    headers: { Authorization: ["Bearer xyz"] }
    flushInterval: 10000
    maxEventInMemory: 5000
`,
      { logger: recordingLogger() },
    )) as DataExporter;
    const events = sampleEvents(30);
    for (const event of events) wired.add(event);
    await wired.close();
    expect(wired.stats()).toMatchObject({ received: 30, exported: 30, failed: 0 });
    expect(received).toHaveLength(1);
    const [{ headers, body }] = received as [(typeof received)[number]];
    // Checked with node:crypto, not the exporter's code: HMAC-SHA256 of the body bytes, keyed by the secret.
    expect(headers['x-hub-signature-256']).toBe(
      `sha256=${createHmac('sha256', 's3cr3t').update(body).digest('hex')}`,
    );
    expect(headers.authorization).toBe('Bearer xyz');
    const parsed = JSON.parse(body.toString('utf8'));
    expect(parsed.meta).toMatchObject({ env: 'prod' });
    expect(typeof parsed.meta.hostname).toBe('string');
    expect(parsed.events).toEqual(events.map(goffJsonRecord));
  });
});

const moto = (await installed('s3')) ? runningPeer('moto') : undefined;
describe.skipIf(!moto)('kind: s3, against moto (node test-services/peers.mjs up moto)', () => {
  let endpoint: string;
  const bucket = bucketName('s3');
  beforeAll(async () => {
    endpoint = moto!.S3_ENDPOINT!;
    await ok(await fetch(`${endpoint}/${bucket}`, { method: 'PUT' }), `create bucket ${bucket}`);
  });

  // Read back with the AWS SDK the S3 package itself depends on (moto refuses unsigned GETs).
  async function readBucket(prefix: string): Promise<{ name: string; bytes: Uint8Array }[]> {
    const sdk = createRequire(new URL('../../s3/package.json', import.meta.url))('@aws-sdk/client-s3');
    const client = new sdk.S3Client(clientConfig());
    try {
      const listing = await client.send(new sdk.ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
      const keys = ((listing.Contents ?? []) as { Key: string }[]).map((o) => o.Key).sort();
      return await Promise.all(
        keys.map(async (name) => {
          const object = await client.send(new sdk.GetObjectCommand({ Bucket: bucket, Key: name }));
          return { name, bytes: (await object.Body.transformToByteArray()) as Uint8Array };
        }),
      );
    } finally {
      client.destroy();
    }
  }
  const clientConfig = () => ({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });

  it('their s3 example with format csv and parquet writes objects under path, read back', async () => {
    const wired = await createExporter(
      `exporters:
  - kind: s3
    bucket: ${bucket}
    path: goff/csv
    format: CSV
  - kind: s3
    bucket: ${bucket}
    path: goff/parquet
    format: parquet
    parquetCompressionCodec: SNAPPY
`,
      { logger: recordingLogger(), exporterOptions: { s3: { clientConfig: clientConfig() } } },
    );
    const events = sampleEvents(40);
    for (const event of events) wired.add(event);
    await wired.close();

    const [csv, ...moreCsv] = await readBucket('goff/csv/');
    expect(moreCsv).toEqual([]);
    expect(csv!.name).toMatch(/^goff\/csv\/flag-variation-.+\.csv$/);
    expect(new TextDecoder().decode(csv!.bytes)).toBe(events.map((e) => goffCsvRow(e)).join(''));

    const [parquet] = await readBucket('goff/parquet/');
    const rows = await parquetReadObjects({ file: toArrayBuffer(parquet!.bytes) });
    expect(rows.map((row) => row.userKey)).toEqual(events.map((e: ExportableEvent) => e.userKey));
  });
});

const fakeGcs = (await installed('googleStorage')) ? runningPeer('fake-gcs-server') : undefined;
describe.skipIf(!fakeGcs)(
  'kind: googleStorage, against fake-gcs-server (peers.mjs up fake-gcs-server)',
  () => {
    let endpoint: string;
    const bucket = bucketName('gcs');
    beforeAll(async () => {
      endpoint = fakeGcs!.GCS_ENDPOINT!;
      await ok(
        await fetch(`${endpoint}/storage/v1/b?project=test`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name: bucket }),
        }),
        `create bucket ${bucket}`,
      );
    });

    it('their googleStorage example (bucket, path) writes JSON Lines, read back', async () => {
      const wired = await createExporter(
        { exporters: [{ kind: 'googleStorage', bucket, path: 'goff/variations' }] },
        {
          logger: recordingLogger(),
          exporterOptions: {
            googleStorage: { storageOptions: { apiEndpoint: endpoint, projectId: 'test' } },
          },
        },
      );
      const events = sampleEvents(25);
      for (const event of events) wired.add(event);
      await wired.close();
      const listing = (await (
        await ok(await fetch(`${endpoint}/storage/v1/b/${bucket}/o`), 'list')
      ).json()) as {
        items: { name: string }[];
      };
      const names = listing.items.map((item) => item.name);
      expect(names).toHaveLength(1);
      expect(names[0]).toMatch(/^goff\/variations\/flag-variation-.+\.json$/);
      const text = await (
        await ok(
          await fetch(`${endpoint}/storage/v1/b/${bucket}/o/${encodeURIComponent(names[0]!)}?alt=media`),
          'get',
        )
      ).text();
      expect(
        text
          .trimEnd()
          .split('\n')
          .map((line) => JSON.parse(line)),
      ).toEqual(events.map(goffJsonRecord));
    });
  },
);

const azurite = (await installed('azureBlobStorage')) ? runningPeer('azurite') : undefined;
describe.skipIf(!azurite)('kind: azureBlobStorage, against Azurite (peers.mjs up azurite)', () => {
  let env: Record<string, string>;
  const container = bucketName('azure');
  // Set up and read back with the Azure SDK the azure package itself depends on.
  const sdk = () =>
    createRequire(new URL('../../azure/package.json', import.meta.url))('@azure/storage-blob');
  beforeAll(async () => {
    env = azurite!;
    const service = sdk().BlobServiceClient.fromConnectionString(env.AZURE_CONNECTION_STRING);
    await service.getContainerClient(container).create();
  });

  it('their azureBlobStorage keys (container, accountName, accountKey, path) write JSON Lines, read back', async () => {
    const wired = await createExporter(
      {
        exporter: {
          kind: 'azureBlobStorage',
          container,
          accountName: env.AZURE_ACCOUNT_NAME,
          accountKey: env.AZURE_ACCOUNT_KEY,
          path: 'goff/variations',
        },
      },
      // Azurite's URL: their relay proxy has no key for it; the default is https://<accountName>.blob.core.windows.net/.
      {
        logger: recordingLogger(),
        exporterOptions: { azureBlobStorage: { serviceUrl: env.AZURE_BLOB_ENDPOINT } },
      },
    );
    const events = sampleEvents(25);
    for (const event of events) wired.add(event);
    await wired.close();
    const client = sdk()
      .BlobServiceClient.fromConnectionString(env.AZURE_CONNECTION_STRING)
      .getContainerClient(container);
    const names: string[] = [];
    for await (const blob of client.listBlobsFlat()) names.push(blob.name);
    expect(names).toHaveLength(1);
    expect(names[0]).toMatch(/^goff\/variations\/flag-variation-.+\.json$/);
    const bytes: Buffer = await client.getBlobClient(names[0]).downloadToBuffer();
    expect(
      bytes
        .toString('utf8')
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line)),
    ).toEqual(events.map(goffJsonRecord));
  });
});

const kafka = (await installed('kafka')) ? runningPeer('kafka') : undefined;
describe.skipIf(!kafka)('kind: kafka, against Apache Kafka (peers.mjs up kafka)', () => {
  let brokers: string;
  const topic = bucketName('kafka');
  // The kafka package's own test helpers: topics through the admin client, read back with kafkajs.
  const helpers = () =>
    import(new URL('../../kafka/test/topic.ts', import.meta.url).href) as Promise<{
      createTopic(brokers: string, topic: string): Promise<void>;
      deleteTopic(brokers: string, topic: string): Promise<void>;
      readTopic(brokers: string, topic: string): Promise<{ key: string | null; event: unknown }[]>;
    }>;
  beforeAll(async () => {
    brokers = kafka!.KAFKA_BROKERS!;
    await (await helpers()).createTopic(brokers, topic);
  }, 60_000);
  afterAll(async () => {
    if (brokers) await (await helpers()).deleteTopic(brokers, topic).catch(() => {});
  });

  it('their kafka keys (topic, addresses) produce one record per event, keyed by userKey, read back', async () => {
    const wired = await createExporter(
      `exporters:\n  - kind: kafka\n    kafka:\n      topic: ${topic}\n      addresses: [${brokers}]\n`,
      { logger: recordingLogger() },
    );
    const events = sampleEvents(20);
    for (const event of events) wired.add(event);
    await wired.close();
    const records = await (await helpers()).readTopic(brokers, topic);
    expect(records.map((r) => r.event)).toEqual(events.map(goffJsonRecord));
    expect(records.map((r) => r.key)).toEqual(events.map((e) => e.userKey));
  }, 60_000);
});
