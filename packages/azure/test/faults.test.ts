import { ContainerClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import {
  exportContext,
  type FaultProxy,
  recordingLogger,
  sampleEvents,
  startFaultProxy,
} from '@ff/exporter-testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { blockId } from '../src/block-upload.js';
import { AzureBlobExporter, type AzureBlobExporterOptions, AzureBlobStore } from '../src/index.js';
import { azuritePort, freshContainers, throughPort } from './azurite.js';
import { landedJson, pipeline, startBusyProxy, until } from './helpers.js';

const azurite = freshContainers('faults');

/** An exporter reaching Azurite at `serviceUrl` (a proxy's), with the account key. */
function exporter(serviceUrl: string, options: Partial<AzureBlobExporterOptions> = {}) {
  return new AzureBlobExporter({
    container: azurite.container.containerName,
    accountName: azurite.env.AZURE_ACCOUNT_NAME,
    accountKey: azurite.env.AZURE_ACCOUNT_KEY,
    serviceUrl,
    ...options,
  });
}

async function expectLandedOnce(events: readonly { userKey: string }[]) {
  const landed = await landedJson(azurite.container);
  expect(landed.names).toHaveLength(1);
  expect(landed.records.map((r) => r.userKey).sort()).toEqual(events.map((e) => e.userKey).sort());
}

describe('AzureBlobExporter against Azurite behind a fault proxy', () => {
  let proxy: FaultProxy;
  beforeEach(async () => {
    proxy = await startFaultProxy({ targetPort: azuritePort(azurite.env) });
  });
  afterEach(async () => {
    await proxy.close();
  });

  it('opens no connection at construction, only at the first export', async () => {
    const sink = pipeline(exporter(throughPort(azurite.env, proxy.port)));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(proxy.connections.accepted).toBe(0);
    const events = sampleEvents(10);
    for (const event of events) sink.add(event);
    await sink.close();
    expect(proxy.connections.accepted).toBeGreaterThan(0);
    expect(sink.stats()).toMatchObject({ exported: 10, failed: 0 });
  });

  it('connection refused, then restored: retried until it lands, exactly once', async () => {
    await proxy.cut();
    const sink = pipeline(exporter(throughPort(azurite.env, proxy.port)));
    const events = sampleEvents(100);
    for (const event of events) sink.add(event);
    const flushed = sink.flush();
    await until(() => sink.stats().retries >= 2);
    await proxy.heal();
    await flushed;
    expect(sink.stats()).toMatchObject({ exported: 100, failed: 0, pending: 0 });
    await expectLandedOnce(events);
    await sink.close();
  });

  it('a server that accepts and never answers: the attempt signal aborts the SDK call, retried after heal', async () => {
    await proxy.blackhole();
    const sink = pipeline(exporter(throughPort(azurite.env, proxy.port)), { exportTimeoutMs: 500 });
    const events = sampleEvents(100);
    for (const event of events) sink.add(event);
    const flushed = sink.flush();
    // A retry only starts once the aborted attempt settled: one export in flight per exporter.
    await until(() => sink.stats().retries >= 2);
    expect(sink.stats().exported).toBe(0);
    await proxy.heal();
    await flushed;
    expect(sink.stats()).toMatchObject({ exported: 100, failed: 0, pending: 0 });
    await expectLandedOnce(events);
    await sink.close();
  });

  it('the answer to a small Put Blob is lost: the retry finds the blob (409), counted exported, delivered once', async () => {
    const sink = pipeline(exporter(throughPort(azurite.env, proxy.port)));
    const events = sampleEvents(100);
    for (const event of events) sink.add(event);
    await proxy.loseAnswers({ match: /^PUT /, times: 1 });
    await sink.flush();
    expect(proxy.connections.answersLost).toBe(1);
    expect(sink.stats()).toMatchObject({ exported: 100, failed: 0, retries: 1 });
    await expectLandedOnce(events);
    await sink.close();
  });

  it("the answer to a staged upload's Put Block List is lost: the retry finds the blob (409), counted exported, delivered once", async () => {
    const sink = pipeline(exporter(throughPort(azurite.env, proxy.port), { blockSize: 64 * 1024 }));
    const events = sampleEvents(5_000);
    for (const event of events) sink.add(event);
    await proxy.loseAnswers({ match: /comp=blocklist/, times: 1 });
    await sink.flush();
    expect(proxy.connections.answersLost).toBe(1);
    expect(sink.stats()).toMatchObject({ exported: 5_000, failed: 0, retries: 1 });
    const [name] = (await landedJson(azurite.container)).names;
    // Streamed as blocks (never one buffer), the ids derived from each block's position.
    const { committedBlocks = [] } = await azurite.container
      .getBlockBlobClient(name as string)
      .getBlockList('committed');
    expect(committedBlocks.length).toBeGreaterThan(1);
    expect(committedBlocks.map((block) => block.name)).toEqual(committedBlocks.map((_, i) => blockId(i)));
    await expectLandedOnce(events);
    await sink.close();
  });

  it('an abort in the middle of a staged upload settles at once, commits nothing and lets nothing escape', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const store = new AzureBlobStore(
        azurite.container.containerName,
        async () =>
          new ContainerClient(
            `${throughPort(azurite.env, proxy.port)}/${azurite.container.containerName}`,
            new StorageSharedKeyCredential(azurite.env.AZURE_ACCOUNT_NAME, azurite.env.AZURE_ACCOUNT_KEY),
            { retryOptions: { maxTries: 1 } },
          ),
        { blockSize: 64 * 1024, maxConcurrency: 2 },
      );
      const controller = new AbortController();
      // Two blocks go up, then the network stops answering and the attempt is aborted.
      async function* body() {
        for (let i = 1; i <= 20; i++) {
          if (i === 3) {
            await proxy.blackhole();
            setTimeout(() => controller.abort(new Error('attempt timed out')), 200);
          }
          yield Buffer.alloc(64 * 1024, 'x');
        }
      }
      const outcome = store.create('aborted.json', body(), {
        contentType: 'application/json',
        signal: controller.signal,
      });
      await expect(outcome).rejects.toMatchObject({ name: 'AbortError' });
      await proxy.heal();
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(unhandled).toEqual([]);
      expect((await landedJson(azurite.container)).names).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('a body that fails in the middle of a staged upload rejects with its error and commits nothing', async () => {
    const store = new AzureBlobStore(azurite.container.containerName, async () => azurite.container, {
      blockSize: 64 * 1024,
      maxConcurrency: 2,
    });
    async function* body() {
      for (let i = 0; i < 4; i++) yield Buffer.alloc(64 * 1024, 'x');
      throw new Error('encoder failed');
    }
    await expect(
      store.create('broken.json', body(), {
        contentType: 'application/json',
        signal: AbortSignal.timeout(10_000),
      }),
    ).rejects.toThrow('encoder failed');
    expect((await landedJson(azurite.container)).names).toEqual([]);
  });
});

describe('AzureBlobExporter against Azurite: answers that end the batch or cost one retry', () => {
  it('503 ServerBusy once, then success: exactly one core retry, the SDK retries nothing', async () => {
    await using busy = await startBusyProxy(azuritePort(azurite.env));
    const sink = pipeline(exporter(`${busy.origin}/${azurite.env.AZURE_ACCOUNT_NAME}`));
    const events = sampleEvents(50);
    for (const event of events) sink.add(event);
    await sink.flush();
    await sink.close();
    expect(sink.stats()).toMatchObject({ exported: 50, failed: 0, retries: 1 });
    expect(busy.requests).toHaveLength(2);
    await expectLandedOnce(events);
  });

  it("503 with Retry-After: retryable, the sink's delay passed on to core", async () => {
    await using busy = await startBusyProxy(azuritePort(azurite.env), 1, '7');
    const azure = exporter(`${busy.origin}/${azurite.env.AZURE_ACCOUNT_NAME}`);
    const error = await azure.export(sampleEvents(3), exportContext()).catch((err: unknown) => err);
    expect(error).toMatchObject({ name: 'ExportError', retryable: true, retryAfterMs: 7_000 });
    expect((error as Error).message).toContain(azurite.container.containerName);
  });

  it('a missing container fails the batch at once, no retry, and the logged error names the container', async () => {
    const logger = recordingLogger();
    const missing = `missing-${azurite.container.containerName}`;
    const sink = pipeline(exporter(azurite.env.AZURE_BLOB_ENDPOINT, { container: missing }), { logger });
    for (const event of sampleEvents(20)) sink.add(event);
    await sink.close();
    expect(sink.stats()).toMatchObject({ exported: 0, failed: 20, retries: 0 });
    const logged = logger.entries.find((entry) => entry.level === 'error');
    const message = (logged?.fields.err as Error | undefined)?.message ?? '';
    expect(message).toContain(`container '${missing}'`);
    expect(message).toContain('does not exist');
    expect(await azurite.blobs.getContainerClient(missing).exists()).toBe(false);
  });

  it('a wrong account key: Azurite answers 403, failed at once with a clear message that holds no key', async () => {
    const logger = recordingLogger();
    const wrongKey = Buffer.from('not the key of devstoreaccount1').toString('base64');
    const sink = pipeline(exporter(azurite.env.AZURE_BLOB_ENDPOINT, { accountKey: wrongKey }), { logger });
    for (const event of sampleEvents(20)) sink.add(event);
    await sink.close();
    expect(sink.stats()).toMatchObject({ exported: 0, failed: 20, retries: 0 });
    const err = logger.entries.find((entry) => entry.level === 'error')?.fields.err as Error;
    expect(err.message).toMatch(/403 AuthorizationFailure/);
    expect(err.message).toContain('check accountName and accountKey');
    expect(err.message).not.toContain(wrongKey);
    expect(err.message).not.toContain(azurite.env.AZURE_ACCOUNT_KEY);
    expect((await landedJson(azurite.container)).names).toEqual([]);
  });
});

describe('AzureBlobExporter is create-only against Azurite', () => {
  it("a blob already at the batch's name on its first attempt is someone else's: never overwritten, never counted", async () => {
    const azure = exporter(azurite.env.AZURE_BLOB_ENDPOINT);
    const context = exportContext({ attempt: 1 });
    const name = azure.objectName(context);
    await azurite.container.getBlockBlobClient(name).upload('theirs\n', 7);
    await expect(azure.export(sampleEvents(10), context)).rejects.toMatchObject({
      name: 'ExportError',
      retryable: false,
      message: expect.stringContaining('already exists'),
    });
    const kept = await azurite.container.getBlobClient(name).downloadToBuffer();
    expect(kept.toString()).toBe('theirs\n');
  });

  it('the same for a staged upload: Put Block List refuses to replace the blob', async () => {
    const azure = exporter(azurite.env.AZURE_BLOB_ENDPOINT, { blockSize: 64 * 1024 });
    const context = exportContext({ attempt: 1 });
    const name = azure.objectName(context);
    await azurite.container.getBlockBlobClient(name).upload('theirs\n', 7);
    await expect(azure.export(sampleEvents(5_000), context)).rejects.toMatchObject({ retryable: false });
    const kept = await azurite.container.getBlobClient(name).downloadToBuffer();
    expect(kept.toString()).toBe('theirs\n');
  });
});
