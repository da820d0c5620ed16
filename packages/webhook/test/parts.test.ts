import { sampleEvents, unserialisableBatch } from '@ff/exporter-testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebhookExporter } from '../src/index.js';
import { dataExporter, dedupedEvents, expectExactlyOnce, exportBatch, keysOf } from './helpers.js';
import { type Receiver, type Responder, startReceiver } from './receiver.js';

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
});
afterEach(() => receiver.answer(undefined));
afterAll(() => receiver.close());

const MAX = 16 * 1024;

/** Answers by Idempotency-Key suffix: `replies['-2']` are the first answers to the request keyed `<batchId>-2`. */
function answerParts(path: string, replies: Record<string, number[]>): void {
  const seen = new Map<string, number>();
  const responder: Responder = (request) => {
    if (request.path !== `/${path}`) return undefined;
    const key = String(request.headers['idempotency-key']);
    const suffix = Object.keys(replies).find((s) => key.endsWith(s));
    if (suffix === undefined) return undefined;
    const n = seen.get(suffix) ?? 0;
    seen.set(suffix, n + 1);
    const status = replies[suffix]?.[n];
    return status === undefined ? undefined : { status };
  };
  receiver.answer(responder);
}

describe('WebhookExporter: maxBatchBytes', () => {
  it('a batch over maxBatchBytes goes as several requests, each under it, keyed <batchId>-<part>', async () => {
    const { data } = dataExporter(
      new WebhookExporter({ endpointUrl: receiver.url('parts'), maxBatchBytes: MAX }),
    );
    const events = sampleEvents(300, { seed: 1 });
    await exportBatch(data, events);
    await data.close();
    const requests = receiver.received('parts');
    expect(requests.length).toBeGreaterThan(3);
    for (const request of requests) expect(request.raw.length).toBeLessThanOrEqual(MAX);
    const keys = keysOf(requests).map(String);
    const batchId = keys[0]?.replace(/-1$/, '');
    expect(keys).toEqual(requests.map((_, i) => `${batchId}-${i + 1}`));
    expectExactlyOnce(receiver.events('parts'), events);
    expect(
      requests.flatMap((r) => r.body?.events ?? []).map((e) => (e as { userKey: string }).userKey),
    ).toEqual(events.map((e) => e.userKey));
  });

  it('part 2 refused once (503): only parts 2 and after are sent again, part 2 under the same key and bytes', async () => {
    answerParts('partial', { '-2': [503] });
    const { data } = dataExporter(
      new WebhookExporter({ endpointUrl: receiver.url('partial'), maxBatchBytes: MAX }),
    );
    const events = sampleEvents(300, { seed: 2 });
    await exportBatch(data, events);
    await data.close();
    expect(data.stats()).toMatchObject({ exported: 300, failed: 0, retries: 1 });
    const requests = receiver.received('partial');
    const keys = keysOf(requests).map((key) => String(key).replace(/^.*-/, '-'));
    const parts = new Set(keys).size;
    // -1 once; -2 refused then accepted; every later part once, after the retry.
    expect(keys).toEqual(['-1', '-2', ...Array.from({ length: parts - 1 }, (_, i) => `-${i + 2}`)]);
    expect(requests.map((r) => r.status)).toEqual([200, 503, ...Array(parts - 1).fill(200)]);
    expect(requests[2]?.raw.equals(requests[1]?.raw as Buffer)).toBe(true);
    expectExactlyOnce(receiver.events('partial'), events);
  });

  it('two retries in a row keep the keys: the part boundaries of a narrowed batch are those of its first attempt', async () => {
    answerParts('twice', { '-2': [503], '-3': [503] });
    const { data } = dataExporter(
      new WebhookExporter({ endpointUrl: receiver.url('twice'), maxBatchBytes: MAX }),
    );
    const events = sampleEvents(300, { seed: 3 });
    await exportBatch(data, events);
    await data.close();
    expect(data.stats()).toMatchObject({ exported: 300, failed: 0, retries: 2 });
    const requests = receiver.received('twice');
    const byKey = new Map<string, Buffer[]>();
    for (const request of requests) {
      const key = String(request.headers['idempotency-key']);
      byKey.set(key, [...(byKey.get(key) ?? []), request.raw]);
    }
    // A key always names the same bytes, however many times it is sent.
    for (const [key, bodies] of byKey) {
      for (const body of bodies) expect(body.equals(bodies[0] as Buffer), key).toBe(true);
    }
    expect([...byKey.values()].map((bodies) => bodies.length).slice(0, 3)).toEqual([1, 2, 2]);
    expectExactlyOnce(receiver.events('twice'), events);
  });

  it('a 413 on a part, then a 503 on one of its halves: the retry resends that half under its key', async () => {
    answerParts('split', { '-2': [413], '-2.2': [503] });
    const { data } = dataExporter(
      new WebhookExporter({ endpointUrl: receiver.url('split'), maxBatchBytes: MAX }),
    );
    const events = sampleEvents(200, { seed: 4 });
    await exportBatch(data, events);
    await data.close();
    expect(data.stats()).toMatchObject({ exported: 200, failed: 0, retries: 1 });
    const keys = keysOf(receiver.received('split')).map((key) => String(key).replace(/^[^-]*-[^-]*-/, '-'));
    expect(keys.slice(0, 6)).toEqual(['-1', '-2', '-2.1', '-2.2', '-2.2', '-3']);
    expectExactlyOnce(receiver.events('split'), events);
  });

  it('a part refused for good (400): earlier parts count exported, the rest failed', async () => {
    answerParts('final', { '-2': [400] });
    const { data } = dataExporter(
      new WebhookExporter({ endpointUrl: receiver.url('final'), maxBatchBytes: MAX }),
    );
    await exportBatch(data, sampleEvents(300, { seed: 5 }));
    await data.close();
    const [first] = receiver.received('final');
    const delivered = first?.body?.events.length ?? 0;
    expect(receiver.received('final')).toHaveLength(2);
    expect(data.stats()).toMatchObject({ exported: delivered, failed: 300 - delivered, retries: 0 });
  });

  it('unserialisable events across parts, one part retried: they are counted failed, everything else lands once', async () => {
    answerParts('invalid', { '-2': [503] });
    const { events: mixed, invalid } = unserialisableBatch();
    const filler = sampleEvents(200, { seed: 6 });
    // Spread the bad events over the parts.
    const events = [...mixed.slice(0, 3), ...filler.slice(0, 100), ...mixed.slice(3), ...filler.slice(100)];
    const bad = new Set(invalid.map((i) => mixed[i]));
    const { data } = dataExporter(
      new WebhookExporter({ endpointUrl: receiver.url('invalid'), maxBatchBytes: MAX }),
    );
    await exportBatch(data, events);
    await data.close();
    expect(data.stats()).toMatchObject({ exported: events.length - bad.size, failed: bad.size, retries: 1 });
    expectExactlyOnce(
      receiver.events('invalid'),
      events.filter((e) => !bad.has(e)),
    );
  });

  it('a single event larger than maxBatchBytes goes alone', async () => {
    const { data } = dataExporter(
      new WebhookExporter({ endpointUrl: receiver.url('big'), maxBatchBytes: MAX }),
    );
    const events = sampleEvents(3, { seed: 7 });
    const big = { ...events[1], userKey: 'big', value: 'x'.repeat(3 * MAX) } as (typeof events)[number];
    await exportBatch(data, [events[0], big, events[2]] as typeof events);
    await data.close();
    expect(receiver.received('big').map((r) => r.body?.events.length)).toEqual([1, 1, 1]);
    expect(dedupedEvents(receiver.received('big'))).toHaveLength(3);
  });
});
