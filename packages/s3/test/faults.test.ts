import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { type FaultProxy, startFaultProxy } from '@ff/exporter-testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { S3Exporter } from '../src/index.js';
import { dataExporter, events, expectLandedOnce, watchingLogger } from './delivery.js';
import { clientConfig, createBucket, deleteBucket, useMoto } from './moto.js';
import { type S3Fault, type S3Operation, startS3FaultProxy } from './s3-faults.js';

let bucket: string;
let n = 0;
const closers: (() => Promise<void>)[] = [];

const moto = useMoto();
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  await deleteBucket(moto.client, bucket);
});

async function freshBucket(): Promise<string> {
  bucket = `faults-${process.pid}-${++n}`;
  await createBucket(moto.client, bucket);
  return bucket;
}

async function tcpProxy(): Promise<FaultProxy> {
  const proxy = await startFaultProxy({ targetPort: Number(new URL(moto.endpoint).port) });
  closers.push(() => proxy.close());
  return proxy;
}

async function s3Proxy(decide: (operation: S3Operation, before: number) => S3Fault) {
  const proxy = await startS3FaultProxy(moto.endpoint, decide);
  closers.push(() => proxy.close());
  return proxy;
}

function exporterVia(url: string): S3Exporter {
  const exporter = new S3Exporter({ bucket, path: 'events', clientConfig: clientConfig(url) });
  closers.push(() => exporter.close());
  return exporter;
}

/** About 13 MB of JSON Lines: two parts of 8 MiB, so a multipart upload. */
const MULTIPART_EVENTS = 40_000;

describe('S3Exporter through network faults, against moto', () => {
  it('connection refused, then restored: retried and delivered exactly once', async () => {
    await freshBucket();
    const proxy = await tcpProxy();
    await proxy.cut();
    const logger = watchingLogger();
    const data = dataExporter(exporterVia(proxy.url()), logger);
    const sent = events(500);
    for (const event of sent) data.add(event);
    const flushed = data.flush();
    expect(await logger.retrying).toMatch(/cannot reach S3 bucket 'faults-.*' \(http:\/\/127\.0\.0\.1:\d+\)/);
    await proxy.heal();
    await flushed;
    expect(data.stats()).toMatchObject({ exported: sent.length, failed: 0 });
    expect(await expectLandedOnce(moto.client, bucket, sent)).toHaveLength(1);
    await data.close();
  });

  it('a server that accepts and never answers: the attempt signal aborts the SDK call, the retry delivers', async () => {
    await freshBucket();
    const proxy = await tcpProxy();
    await proxy.blackhole();
    const logger = watchingLogger();
    const data = dataExporter(exporterVia(proxy.url()), logger, 1_000);
    const sent = events(500);
    for (const event of sent) data.add(event);
    const flushed = data.flush();
    expect(await logger.retrying).toMatch(/aborted: export timed out after \d+ ms/);
    await proxy.heal();
    await flushed;
    expect(data.stats()).toMatchObject({ exported: sent.length, failed: 0 });
    expect(await expectLandedOnce(moto.client, bucket, sent)).toHaveLength(1);
    await data.close();
  });

  it('503 SlowDown once: exactly one core retry (the SDK itself does not retry), delivered once', async () => {
    await freshBucket();
    const proxy = await s3Proxy((operation, before) =>
      operation === 'PutObject' && before === 0 ? '503' : 'pass',
    );
    const logger = watchingLogger();
    const data = dataExporter(exporterVia(proxy.url), logger);
    const sent = events(500);
    for (const event of sent) data.add(event);
    await data.flush();
    expect(await logger.retrying).toMatch(/answered SlowDown 503/);
    expect(data.stats()).toMatchObject({ exported: sent.length, failed: 0, retries: 1 });
    expect(proxy.seen.filter((s) => s.operation === 'PutObject').map((s) => s.status)).toEqual([503, 200]);
    expect(await expectLandedOnce(moto.client, bucket, sent)).toHaveLength(1);
    await data.close();
  });

  /** exporter -> fault proxy (loses the answer) -> recorder (what moto answered) -> moto */
  async function losingAnswers(match: RegExp) {
    const recorder = await s3Proxy(() => 'pass');
    const proxy = await startFaultProxy({ targetPort: Number(new URL(recorder.url).port) });
    closers.push(() => proxy.close());
    await proxy.loseAnswers({ match, times: 1 });
    return { proxy, seen: recorder.seen };
  }

  it('the answer to a PutObject lost: the retry finds its own object (412), delivered once, counted exported', async () => {
    await freshBucket();
    const { proxy, seen } = await losingAnswers(/^PUT /);
    const data = dataExporter(exporterVia(proxy.url()), watchingLogger());
    const sent = events(500);
    for (const event of sent) data.add(event);
    await data.flush();
    expect(proxy.connections.answersLost).toBe(1);
    expect(data.stats()).toMatchObject({ exported: sent.length, failed: 0, retries: 1 });
    expect(seen.filter((s) => s.operation === 'PutObject').map((s) => s.status)).toEqual([200, 412]);
    expect(await expectLandedOnce(moto.client, bucket, sent)).toHaveLength(1);
    await data.close();
  });

  it('the answer to a CompleteMultipartUpload lost: the retry finds its own object (412), delivered once', async () => {
    await freshBucket();
    const { proxy, seen } = await losingAnswers(/^POST [^ ]*uploadId=/);
    const data = dataExporter(exporterVia(proxy.url()), watchingLogger());
    const sent = events(MULTIPART_EVENTS);
    for (const event of sent) data.add(event);
    await data.flush();
    expect(proxy.connections.answersLost).toBe(1);
    expect(data.stats()).toMatchObject({ exported: sent.length, failed: 0, retries: 1 });
    const completes = seen.filter((s) => s.operation === 'CompleteMultipartUpload');
    expect(completes.map((s) => s.status)).toEqual([200, 412]);
    const [key] = await expectLandedOnce(moto.client, bucket, sent);
    // A multipart object's ETag ends in -<parts>: the first attempt's upload is the one kept.
    const head = await moto.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    expect(head.ETag).toMatch(/-2"$/);
    await data.close();
  }, 60_000);

  it('connections reset in the middle of a multipart upload: no uncaught error, the retry delivers once', async () => {
    await freshBucket();
    const proxy = await tcpProxy();
    const logger = watchingLogger();
    const data = dataExporter(exporterVia(proxy.url()), logger);
    const sent = events(MULTIPART_EVENTS);
    for (const event of sent) data.add(event);
    const flushed = data.flush();
    // Reset while the parts are on the wire, more than once, until core has seen a failure.
    const resets = setInterval(() => void proxy.reset(), 30);
    await logger.retrying;
    clearInterval(resets);
    await flushed;
    expect(data.stats()).toMatchObject({ exported: sent.length, failed: 0 });
    expect(await expectLandedOnce(moto.client, bucket, sent)).toHaveLength(1);
    await data.close();
  }, 60_000);
});
