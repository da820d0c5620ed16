import { inspect } from 'node:util';
import { isExportError } from '@ff/exporter-core';
import { exportContext, startFaultProxy } from '@ff/exporter-testkit';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../../test-services/lib.mjs';
import { GcsExporter } from '../src/index.js';
import { cleanups, freshBucket, privateGcs, readBucket, sharedGcs, testStorage } from './gcs.js';
import { dataExporter, escapes, events, expectExactlyOnce, LARGE, SMALL, until } from './helpers.js';
import { startHttpProxy } from './http-proxy.js';

const gcs = sharedGcs();
let serial = 0;

/** A private fake-gcs-server with a proxy in front whose address is in its session URLs: every request goes through the proxy. */
async function behindProxy<P extends { close(): Promise<void> }>(
  makeProxy: (serverPort: number) => Promise<P>,
) {
  const serverPort = await freePort();
  const proxy = await makeProxy(serverPort);
  const proxyUrl = `http://127.0.0.1:${(proxy as unknown as { port: number }).port}`;
  const server = await privateGcs({ port: serverPort, externalUrl: proxyUrl });
  cleanups.push(
    () => server.stop(),
    () => proxy.close(),
  );
  const direct = testStorage(server.endpoint);
  return { proxy, proxyUrl, direct, bucket: await freshBucket(direct) };
}

describe('GcsExporter against fake-gcs-server: failure paths', () => {
  it('opens no connection at construction, and close() is prompt when nothing was sent', async () => {
    const proxy = await startFaultProxy({ targetPort: gcs.port });
    cleanups.push(() => proxy.close());
    const exporter = new GcsExporter({
      bucket: 'never-touched',
      storageOptions: { apiEndpoint: proxy.url() },
    });
    await exporter.close();
    expect(proxy.connections.accepted).toBe(0);
  });

  it('connection refused, then restored: retried, delivered exactly once', async () => {
    const bucket = await freshBucket(gcs.storage);
    const proxy = await startFaultProxy({ targetPort: gcs.port });
    cleanups.push(() => proxy.close());
    await proxy.cut();
    const sent = events(SMALL, 1);
    const { data, logger } = dataExporter(
      new GcsExporter({ bucket, storageOptions: { apiEndpoint: proxy.url() } }),
    );
    for (const event of sent) data.add(event);
    const flushed = data.flush({ timeoutMs: 20_000 });
    await until(() => data.stats().retries >= 2, 'two retries while the connection is refused');
    await proxy.heal();
    await flushed;
    expect(data.stats()).toMatchObject({ exported: SMALL, failed: 0, pending: 0 });
    const refused = logger.entries.find((e) => e.message === 'export failed, retrying');
    expect(String((refused?.fields.err as Error | undefined)?.message)).toMatch(/ECONNREFUSED/);
    expectExactlyOnce(await readBucket(gcs.storage, bucket), sent);
    await data.close();
  });

  for (const [size, label] of [
    [SMALL, 'a small upload'],
    [LARGE, 'a resumable upload'],
  ] as const) {
    it(`accepts and never answers (${label}): the signal aborts it at once, retried after heal, delivered once`, async () => {
      const watch = escapes();
      try {
        const { proxy, proxyUrl, direct, bucket } = await behindProxy((target) =>
          startFaultProxy({ targetPort: target }),
        );
        await proxy.blackhole();
        const exporter = new GcsExporter({ bucket, storageOptions: { apiEndpoint: proxyUrl } });
        const sent = events(size, 2);

        // Called as core calls it: the attempt's signal aborts, the export settles at once. (A batch of
        // its own, in a bucket of its own: its held request may still land after heal().)
        const aside = await freshBucket(direct);
        const controller = new AbortController();
        const settled = new GcsExporter({ bucket: aside, storageOptions: { apiEndpoint: proxyUrl } })
          .export(events(size, 12), exportContext({ signal: controller.signal }))
          .then(
            () => 'resolved',
            (err: unknown) => err,
          );
        await until(() => proxy.connections.active > 0, 'the upload to reach the proxy');
        await new Promise((resolve) => setTimeout(resolve, 200));
        const abortedAt = Date.now();
        controller.abort(new Error('attempt timed out'));
        const outcome = await settled;
        expect(Date.now() - abortedAt).toBeLessThan(1_000);
        expect(isExportError(outcome) && outcome.retryable).toBe(true);
        expect((outcome as Error).message).toMatch(new RegExp(`bucket '${aside}' aborted`));

        // Through a DataExporter: each attempt times out, then the sink heals and the batch lands once.
        // Attempts get long enough for the upload itself once the sink is back.
        const { data, logger } = dataExporter(exporter, { exportTimeoutMs: size === SMALL ? 500 : 5_000 });
        for (const event of sent) data.add(event);
        const flushed = data.flush({ timeoutMs: 30_000 });
        await until(() => data.stats().retries >= 1, 'a retry after the timed-out attempt', 20_000);
        await proxy.heal();
        await flushed;
        expect(data.stats(), logger.summary()).toMatchObject({ exported: size, failed: 0, pending: 0 });
        // Whatever of the aborted attempts reached the server after heal(), create-only keeps one object.
        await new Promise((resolve) => setTimeout(resolve, 500));
        const objects = await readBucket(direct, bucket);
        expect(objects).toHaveLength(1);
        expectExactlyOnce(objects, sent);
        await data.close();
        expect(watch.seen).toEqual([]);
      } finally {
        watch.stop();
      }
    });
  }

  it('a resumable upload whose data request never gets an answer is aborted by the signal', async () => {
    const watch = escapes();
    try {
      const { proxy, proxyUrl, direct, bucket } = await behindProxy((target) =>
        startHttpProxy(target, (req) => (req.method === 'PUT' ? 'hang' : undefined)),
      );
      const exporter = new GcsExporter({ bucket, storageOptions: { apiEndpoint: proxyUrl } });
      const controller = new AbortController();
      const settled = exporter.export(events(LARGE, 3), exportContext({ signal: controller.signal })).then(
        () => 'resolved',
        (err: unknown) => err,
      );
      await until(() => proxy.log.some((r) => r.request.startsWith('PUT')), 'the PUT with the data');
      const abortedAt = Date.now();
      controller.abort(new Error('attempt timed out'));
      const outcome = await settled;
      expect(Date.now() - abortedAt).toBeLessThan(1_000);
      expect(isExportError(outcome) && outcome.retryable).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await readBucket(direct, bucket)).toEqual([]);
      expect(watch.seen).toEqual([]);
    } finally {
      watch.stop();
    }
  });

  it('a resumable upload whose data request is reset mid-way: retried, delivered exactly once, nothing escapes', async () => {
    const watch = escapes();
    cleanups.push(async () => watch.stop());
    let puts = 0;
    const { proxy, proxyUrl, direct, bucket } = await behindProxy((target) =>
      startHttpProxy(target, (req) => (req.method === 'PUT' && ++puts === 1 ? 'hang' : undefined)),
    );
    const sent = events(LARGE, 14);
    const { data } = dataExporter(new GcsExporter({ bucket, storageOptions: { apiEndpoint: proxyUrl } }));
    for (const event of sent) data.add(event);
    const flushed = data.flush({ timeoutMs: 30_000 });
    await until(() => proxy.log.some((r) => r.fault === 'hang'), 'the first PUT to be under way');
    await new Promise((resolve) => setTimeout(resolve, 200));
    proxy.resetHung();
    await flushed;
    expect(data.stats()).toMatchObject({ exported: LARGE, failed: 0, retries: 1 });
    const objects = await readBucket(direct, bucket);
    expect(objects).toHaveLength(1);
    expectExactlyOnce(objects, sent);
    await data.close();
    expect(watch.seen).toEqual([]);
  });

  for (const [size, label, hung, closes] of [
    [SMALL, 'the multipart request', 'POST', 'by the deadline'],
    [LARGE, 'the resumable session start', 'POST', 'at once'],
    [LARGE, 'the resumable data request', 'PUT', 'by the deadline'],
  ] as const) {
    it(`an aborted attempt leaves no request open: ${label} is closed ${closes}`, async () => {
      const watch = escapes();
      cleanups.push(async () => watch.stop());
      const { proxy, proxyUrl, bucket } = await behindProxy((target) =>
        startHttpProxy(target, (req) => (req.method === hung ? 'hang' : undefined)),
      );
      const controller = new AbortController();
      const deadline = Date.now() + 2_500;
      const outcome = new GcsExporter({ bucket, storageOptions: { apiEndpoint: proxyUrl } })
        .export(events(size, 13), exportContext({ signal: controller.signal, deadline }))
        .catch((err: unknown) => err);
      await until(() => proxy.log.some((r) => r.fault === 'hang'), `the ${hung} to reach the proxy`);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const abortedAt = Date.now();
      controller.abort(new Error('attempt timed out'));
      expect(isExportError(await outcome)).toBe(true);
      const held = proxy.log.find((r) => r.fault === 'hang');
      await until(() => held?.closedAt !== undefined, `the held ${hung} to be closed`, 10_000);
      const closedAt = held?.closedAt ?? Number.POSITIVE_INFINITY;
      // The multipart request and the data PUT cannot be cancelled by the signal: the deadline bounds them.
      expect(closedAt).toBeLessThan((closes === 'at once' ? abortedAt : deadline) + 1_000);
      // The SDK's streams report the ended request late, to streams already destroyed: nothing escapes.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(watch.seen).toEqual([]);
    });
  }

  for (const [size, label, request] of [
    [SMALL, 'on the multipart upload', 'POST /upload/storage/v1/b/{bucket}/o?uploadType=multipart'],
    [LARGE, 'on the resumable session start', 'POST /upload/storage/v1/b/{bucket}/o?uploadType=resumable'],
    [
      LARGE,
      'on the resumable data request',
      'PUT /upload/storage/v1/b/{bucket}/o?uploadType=resumable&upload_id',
    ],
  ] as const) {
    it(`one 503 ${label} costs exactly one core retry`, async () => {
      let injected = 0;
      const { proxy, proxyUrl, direct, bucket } = await behindProxy((target) =>
        startHttpProxy(target, (req) => {
          const url = new URL(req.url ?? '/', 'http://x');
          const matches =
            (req.method === 'PUT') === request.startsWith('PUT') &&
            url.searchParams.get('uploadType') === (size === SMALL ? 'multipart' : 'resumable');
          if (!matches || injected > 0) return undefined;
          injected++;
          return { answer: 503 };
        }),
      );
      const sent = events(size, 4);
      // Even asked for, the SDK's own retries stay off in the exporter's client: core's are the only ones.
      const storageOptions = { apiEndpoint: proxyUrl, retryOptions: { autoRetry: true, maxRetries: 9 } };
      const { data } = dataExporter(new GcsExporter({ bucket, storageOptions }));
      for (const event of sent) data.add(event);
      await data.flush({ timeoutMs: 30_000 });
      expect(data.stats()).toMatchObject({ exported: size, failed: 0, retries: 1 });
      expect(proxy.log.filter((r) => r.fault === '503').map((r) => r.request)).toEqual([
        request.replace('{bucket}', bucket),
      ]);
      expectExactlyOnce(await readBucket(direct, bucket), sent);
      await data.close();
    });
  }

  it("a 503's Retry-After reaches core as retryAfterMs", async () => {
    const { proxyUrl, bucket } = await behindProxy((target) =>
      startHttpProxy(target, () => ({ answer: 503, headers: { 'retry-after': '7' } })),
    );
    const exporter = new GcsExporter({ bucket, storageOptions: { apiEndpoint: proxyUrl } });
    for (const size of [SMALL, LARGE]) {
      const failure = await exporter.export(events(size, 5), exportContext()).catch((err: unknown) => err);
      expect(isExportError(failure)).toBe(true);
      expect(failure).toMatchObject({ retryable: true, retryAfterMs: 7_000 });
      expect((failure as Error).message).toMatch(/HTTP 503/);
    }
  });

  for (const [size, label] of [
    [SMALL, 'a small upload'],
    [LARGE, 'a resumable upload'],
  ] as const) {
    it(`the store's answer to ${label} is lost: the retry finds its own object, delivered exactly once, counted exported`, async () => {
      const { proxy, proxyUrl, direct, bucket } = await behindProxy((target) =>
        startFaultProxy({ targetPort: target }),
      );
      // The request that creates the object: the multipart POST, or the resumable upload's data PUT.
      await proxy.loseAnswers({
        match: size === SMALL ? /^POST [^ ]*uploadType=multipart/ : /^PUT /,
        times: 1,
      });
      const sent = events(size, 6);
      const { data, logger } = dataExporter(
        new GcsExporter({ bucket, storageOptions: { apiEndpoint: proxyUrl } }),
      );
      for (const event of sent) data.add(event);
      await data.flush({ timeoutMs: 30_000 });
      expect(proxy.connections.answersLost).toBe(1);
      expect(data.stats()).toMatchObject({ exported: size, failed: 0, retries: 1 });
      // What is logged names the object, never the session's upload_id or a request header.
      const logged = logger.entries.find((e) => e.message === 'export failed, retrying');
      const shown = inspect(logged?.fields.err, { depth: 10 });
      expect(shown).toContain(bucket);
      expect(shown).not.toMatch(/upload_id=|authorization|x-goog-api-client/i);
      const objects = await readBucket(direct, bucket);
      expect(objects).toHaveLength(1);
      expectExactlyOnce(objects, sent);
      await data.close();
    });
  }

  for (const [size, label] of [
    [SMALL, 'a small upload'],
    [LARGE, 'a resumable upload'],
  ] as const) {
    it(`on a batch's first attempt an existing object is someone else's (${label}): not overwritten, not counted exported`, async () => {
      const bucket = await freshBucket(gcs.storage);
      const exporter = new GcsExporter({ bucket, storageOptions: { apiEndpoint: gcs.endpoint } });
      // Someone else takes the name this batch is about to use.
      const context = exportContext();
      const name = exporter.objectName(context);
      await gcs.storage.bucket(bucket).file(name).save('theirs\n');
      const failure = await exporter.export(events(size, 7), context).catch((err: unknown) => err);
      expect(failure).toMatchObject({ retryable: false });
      expect((failure as Error).message).toMatch(/already exists/);
      const [kept] = await gcs.storage.bucket(bucket).file(name).download();
      expect(kept.toString()).toBe('theirs\n');
    });
  }

  for (const [size, label] of [
    [SMALL, 'a small upload'],
    [LARGE, 'a resumable upload'],
  ] as const) {
    it(`a missing bucket (${label}) fails at once, no retry, and the logged message names the bucket`, async () => {
      const bucket = `ff-gcs-missing-${process.pid}-${++serial}`;
      const { data, logger } = dataExporter(
        new GcsExporter({ bucket, storageOptions: { apiEndpoint: gcs.endpoint } }),
      );
      for (const event of events(size, 8)) data.add(event);
      await data.flush({ timeoutMs: 20_000 });
      expect(data.stats()).toMatchObject({ exported: 0, failed: size, retries: 0 });
      const logged = logger.entries.filter((e) => e.level === 'warn' || e.level === 'error');
      const messages = logged.map((e) => `${e.message}: ${(e.fields.err as Error | undefined)?.message}`);
      expect(messages.join('\n')).toContain(`bucket '${bucket}' does not exist`);
      await data.close();
    });
  }

  // fake-gcs-server accepts any token or none, so a wrong credential cannot be proven against it.
  // Against a server that checks credentials (real GCS), 401/403 must fail the batch at once.
  const credentialsUncheckedByEmulator = true;
  it.skipIf(credentialsUncheckedByEmulator)(
    'wrong credentials fail at once, not retried, naming what to check [skipped: credentialsUncheckedByEmulator: fake-gcs-server checks no credentials]',
    async () => {
      const bucket = await freshBucket(gcs.storage);
      const { data, logger } = dataExporter(
        new GcsExporter({
          bucket,
          storageOptions: {
            apiEndpoint: gcs.endpoint,
            useAuthWithCustomEndpoint: true,
            credentials: { client_email: 'nobody@example.iam.gserviceaccount.com', private_key: 'invalid' },
          },
        }),
      );
      for (const event of events(SMALL, 9)) data.add(event);
      await data.flush();
      expect(data.stats()).toMatchObject({ exported: 0, failed: SMALL, retries: 0 });
      expect(logger.summary()).toMatch(/credentials/);
    },
  );
});
