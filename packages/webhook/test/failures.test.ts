import { ExportError, isExportError } from '@ff/exporter-core';
import { exportContext, type FaultProxy, sampleEvents, startFaultProxy } from '@ff/exporter-testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebhookExporter } from '../src/index.js';
import {
  dataExporter,
  dedupedEvents,
  everythingShown,
  expectExactlyOnce,
  exportBatch,
  keysOf,
} from './helpers.js';
import { type Receiver, type Reply, startReceiver } from './receiver.js';

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
});
afterEach(() => {
  receiver.answer(undefined);
  receiver.answerAtHeaders(undefined);
});
afterAll(() => receiver.close());

/** The first requests to `path` get `replies`, in order; every later one 200. */
function answerFirst(path: string, ...replies: Reply[]): void {
  let seen = 0;
  receiver.answer((request) => (request.path === `/${path}` ? replies[seen++] : undefined));
}

describe('WebhookExporter: failures', () => {
  it('503 then 200: retried exactly once, with the same body and Idempotency-Key', async () => {
    answerFirst('503', { status: 503 });
    const { data } = dataExporter(new WebhookExporter({ endpointUrl: receiver.url('503') }));
    const events = sampleEvents(40, { seed: 1 });
    await exportBatch(data, events);
    await data.close();
    expect(data.stats()).toMatchObject({ exported: 40, failed: 0, retries: 1 });
    const requests = receiver.received('503');
    expect(requests.map((r) => r.status)).toEqual([503, 200]);
    expect(new Set(keysOf(requests)).size).toBe(1);
    expect(requests[1]?.raw.equals(requests[0]?.raw as Buffer)).toBe(true);
    expectExactlyOnce(receiver.events('503'), events);
  });

  for (const [form, header] of [
    ['seconds', () => '1'],
    ['an HTTP date', () => new Date(Date.now() + 2_000).toUTCString()],
  ] as const) {
    it(`429 with Retry-After in ${form}: the retry waits that long`, async () => {
      const path = `429-${form.replace(/\W/g, '')}`;
      answerFirst(path, { status: 429, headers: { 'retry-after': header() } });
      // Core's own backoff is a few ms here: the wait seen is the receiver's Retry-After.
      const { data } = dataExporter(new WebhookExporter({ endpointUrl: receiver.url(path) }));
      await exportBatch(data, sampleEvents(5));
      await data.close();
      expect(data.stats()).toMatchObject({ exported: 5, retries: 1 });
      const [first, second] = receiver.received(path);
      expect(first?.status).toBe(429);
      // An HTTP date has whole seconds: 2 s ahead is at least 1 s ahead.
      expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(950);
    });
  }

  it('401: no retry storm (one request), an error naming the endpoint, and no credential in any log', async () => {
    const secret = 'hmac-secret-value';
    const token = 'tok-3f9a8b7c6d';
    // A receiver that echoes the request's headers in its refusal: a credential must still not reach a log.
    receiver.answer((request) =>
      request.path === '/401' ? { status: 401, body: JSON.stringify(request.headers) } : undefined,
    );
    const exporter = new WebhookExporter({
      endpointUrl: receiver.url('401'),
      secret,
      headers: { Authorization: [`Bearer ${token}`] },
    });
    const { data, logger } = dataExporter(exporter);
    await exportBatch(data, sampleEvents(10));
    await data.close();
    expect(receiver.received('401')).toHaveLength(1);
    expect(data.stats()).toMatchObject({ exported: 0, failed: 10, retries: 0 });
    const failure = logger.entries.find((e) => e.level === 'error');
    const err = failure?.fields.err as ExportError;
    expect(err.retryable).toBe(false);
    expect(err.message).toContain(`webhook ${exporter.endpoint} answered 401`);
    expect(err.message).toContain('check the exporter');
    const shown = everythingShown(logger, err);
    expect(shown).not.toContain(token);
    expect(shown).not.toContain(secret);
    expect(shown).not.toContain(String(receiver.received('401')[0]?.headers['x-hub-signature-256']));
  });

  it('400: fails at once, with what the receiver said', async () => {
    answerFirst('400', { status: 400, body: 'events[3].value: unexpected type' });
    const exporter = new WebhookExporter({ endpointUrl: receiver.url('400') });
    const error = await exporter.export(sampleEvents(5), exportContext()).catch((err: unknown) => err);
    await exporter.close();
    expect(isExportError(error) && error.retryable).toBe(false);
    expect((error as Error).message).toContain('answered 400 Bad Request: events[3].value: unexpected type');
    expect(receiver.received('400')).toHaveLength(1);
  });

  it('a redirect is not followed: a clear, final error', async () => {
    answerFirst('moved', { status: 308, headers: { location: '/elsewhere' } });
    const exporter = new WebhookExporter({ endpointUrl: receiver.url('moved') });
    const error = await exporter.export(sampleEvents(1), exportContext()).catch((err: unknown) => err);
    await exporter.close();
    expect(isExportError(error) && error.retryable).toBe(false);
    expect((error as Error).message).toContain('set endpointUrl to the final URL');
  });

  it('413: the request is halved and the halves sent at once, until each fits', async () => {
    // A receiver that takes at most 100 events per request.
    receiver.answer((request) =>
      request.path === '/413' && (request.body?.events.length ?? 0) > 100 ? { status: 413 } : undefined,
    );
    const { data } = dataExporter(new WebhookExporter({ endpointUrl: receiver.url('413') }));
    const events = sampleEvents(450, { seed: 2 });
    await exportBatch(data, events);
    await data.close();
    expect(data.stats()).toMatchObject({ exported: 450, failed: 0, retries: 0 });
    expectExactlyOnce(receiver.events('413'), events);
    const keys = keysOf(receiver.received('413'));
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.filter((key) => String(key).endsWith('.1.1.1'))).toHaveLength(1);
  });

  it('413 sent before the body was read, the connection then closed (as a proxy does): still split, not retried', async () => {
    receiver.answerAtHeaders((path, headers) =>
      path === '/413-early' && Number(headers['content-length']) > 600_000 ? { status: 413 } : undefined,
    );
    // Bodies of megabytes: the receiver closes the connection while most of each is still being written.
    const exporter = new WebhookExporter({ endpointUrl: receiver.url('413-early'), maxBatchBytes: 64 << 20 });
    const { data } = dataExporter(exporter);
    const events = sampleEvents(16_000, { seed: 8 });
    const refusedBefore = receiver.refusedAtHeaders;
    await exportBatch(data, events);
    await data.close();
    expect(receiver.refusedAtHeaders - refusedBefore).toBeGreaterThanOrEqual(3);
    expect(data.stats()).toMatchObject({ exported: 16_000, failed: 0, retries: 0 });
    expectExactlyOnce(receiver.events('413-early'), events);
  });

  it('413 for a single event: that event is rejected (counted failed), the rest lands', async () => {
    receiver.answer((request) =>
      request.path === '/413-one' && request.raw.length > 50_000 ? { status: 413 } : undefined,
    );
    const { data, logger } = dataExporter(new WebhookExporter({ endpointUrl: receiver.url('413-one') }));
    const events = sampleEvents(30, { seed: 3 });
    const huge = { ...events[7], userKey: 'huge', value: 'x'.repeat(100_000) } as (typeof events)[number];
    await exportBatch(data, [...events.slice(0, 7), huge, ...events.slice(7)]);
    await data.close();
    expect(data.stats()).toMatchObject({ exported: 30, failed: 1 });
    expectExactlyOnce(receiver.events('413-one'), events);
    expect(logger.entries.some((e) => e.message.includes('413 to a request of one event'))).toBe(true);
  });

  it('a receiver that never answers: the request times out (timeoutMs) and is retried', async () => {
    answerFirst('hang', 'hang');
    const { data } = dataExporter(new WebhookExporter({ endpointUrl: receiver.url('hang'), timeoutMs: 300 }));
    const events = sampleEvents(20, { seed: 4 });
    await exportBatch(data, events);
    await data.close();
    expect(data.stats()).toMatchObject({ exported: 20, failed: 0, retries: 1 });
    // The first body did arrive before the timeout: the documented duplicate, under the same key.
    const requests = receiver.received('hang');
    expect(requests).toHaveLength(2);
    expect(new Set(keysOf(requests)).size).toBe(1);
  });

  describe('network faults, through the fault proxy', () => {
    let proxy: FaultProxy;
    beforeAll(async () => {
      proxy = await startFaultProxy({ targetPort: receiver.port });
    });
    afterEach(() => proxy.heal());
    afterAll(() => proxy.close());

    it('a partition (blackhole): the attempt times out, the retry after healing lands', async () => {
      await proxy.blackhole();
      const exporter = new WebhookExporter({ endpointUrl: `${proxy.url()}/blackhole`, timeoutMs: 300 });
      const { data, logger } = dataExporter(exporter, { retry: { initialDelayMs: 400, maxDelayMs: 400 } });
      const events = sampleEvents(20, { seed: 5 });
      for (const event of events) data.add(event);
      const flushed = data.flush();
      await new Promise((resolve) => setTimeout(resolve, 400));
      await proxy.heal();
      await flushed;
      await data.close();
      expect(data.stats()).toMatchObject({ exported: 20, failed: 0 });
      expect(data.stats().retries).toBeGreaterThanOrEqual(1);
      expect(
        logger.entries.some((e) =>
          String((e.fields.err as Error)?.message).includes('no answer within 300 ms'),
        ),
      ).toBe(true);
      // The partition held the first request's bytes and delivered them when it healed, after the exporter
      // had given up on them: the documented duplicate, under the same Idempotency-Key, so it can be dropped.
      const requests = receiver.received('blackhole');
      expect(new Set(keysOf(requests)).size).toBe(1);
      expectExactlyOnce(dedupedEvents(requests), events);
    });

    it('the connection reset mid-body: the receiver never gets a whole body, the retry lands', async () => {
      // One large request (about 20 MB), so that the reset comes while its body is on its way.
      const exporter = new WebhookExporter({ endpointUrl: `${proxy.url()}/reset`, maxBatchBytes: 64 << 20 });
      const { data, logger } = dataExporter(exporter);
      const events = sampleEvents(80_000, { seed: 6 });
      const cutBefore = receiver.cutOff;
      const started = receiver.nextRequestStarted();
      for (const event of events) data.add(event);
      const flushed = data.flush();
      await started;
      await proxy.blackhole();
      await proxy.reset();
      await proxy.heal();
      await flushed;
      await data.close();
      expect(receiver.cutOff - cutBefore).toBe(1);
      expect(data.stats()).toMatchObject({ exported: 80_000, failed: 0, retries: 1 });
      expect(
        logger.entries.some((e) => /ECONNRESET|EPIPE/.test(String((e.fields.err as Error)?.message))),
      ).toBe(true);
      expect(receiver.received('reset')).toHaveLength(1);
      expectExactlyOnce(receiver.events('reset'), events);
    });

    it('the receiver unreachable (connection refused): retried, then delivered once it is back', async () => {
      await proxy.cut();
      const exporter = new WebhookExporter({ endpointUrl: `${proxy.url()}/refused` });
      const { data, logger } = dataExporter(exporter, { retry: { initialDelayMs: 200, maxDelayMs: 200 } });
      const events = sampleEvents(10, { seed: 7 });
      for (const event of events) data.add(event);
      const flushed = data.flush();
      await new Promise((resolve) => setTimeout(resolve, 150));
      await proxy.heal();
      await flushed;
      await data.close();
      expect(data.stats()).toMatchObject({ exported: 10, failed: 0 });
      expect(
        logger.entries.some((e) => String((e.fields.err as Error)?.message).includes('ECONNREFUSED')),
      ).toBe(true);
      expectExactlyOnce(receiver.events('refused'), events);
    });
  });

  it("the attempt's signal aborts the request: export() settles at once, retryable", async () => {
    answerFirst('abort', 'hang');
    const exporter = new WebhookExporter({ endpointUrl: receiver.url('abort') });
    const controller = new AbortController();
    const exported = exporter.export(sampleEvents(5), exportContext({ signal: controller.signal }));
    await receiver.nextRequestStarted();
    const abortedAt = Date.now();
    controller.abort(new ExportError('export timed out after 1 ms'));
    const error = await exported.catch((err: unknown) => err);
    expect(Date.now() - abortedAt).toBeLessThan(200);
    expect(isExportError(error) && error.retryable).toBe(true);
    expect((error as Error).message).toContain('request aborted: export timed out');
    expect((error as ExportError).undelivered).toEqual([0, 1, 2, 3, 4]);
    await exporter.close();
  });

  it('close() while a request hangs: resolves within its deadline, the batch counted failed', async () => {
    answerFirst('hang-close', 'hang');
    const { data } = dataExporter(new WebhookExporter({ endpointUrl: receiver.url('hang-close') }));
    for (const event of sampleEvents(5)) data.add(event);
    void data.flush();
    await receiver.nextRequestStarted();
    const started = Date.now();
    await data.close({ timeoutMs: 300 });
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(data.stats()).toMatchObject({ exported: 0, failed: 5, pending: 0 });
  });
});
