import { sampleEvents } from '@ff/exporter-testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { WebhookExporter } from '../src/index.js';
import { dataExporter, expectExactlyOnce } from './helpers.js';
import { type Receiver, startReceiver } from './receiver.js';

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(() => receiver.close());

it('a receiver that stores by Idempotency-Key keeps each event once, though a lost answer made the exporter resend', async () => {
  // The receiver of the README: stores a body unless its key was seen, and answers 200 either way.
  const stored = new Map<string, unknown[]>();
  let answered = 0;
  receiver.answer((request) => {
    const key = String(request.headers['idempotency-key']);
    if (!stored.has(key)) stored.set(key, request.body?.events ?? []);
    // Its first answer is lost (it never comes): the exporter times out and sends the same body again.
    return answered++ === 0 ? 'hang' : { status: 200 };
  });
  const { data } = dataExporter(
    new WebhookExporter({ endpointUrl: receiver.url('dedup'), timeoutMs: 200, maxBatchBytes: 8 * 1024 }),
  );
  const events = sampleEvents(100, { seed: 1 });
  for (const event of events) data.add(event);
  await data.flush();
  await data.close();
  expect(data.stats()).toMatchObject({ exported: 100, failed: 0, retries: 1 });
  // Over the wire: the first request twice, same key, same bytes.
  const requests = receiver.received('dedup');
  expect(requests.length).toBe(stored.size + 1);
  expect(requests[1]?.headers['idempotency-key']).toBe(requests[0]?.headers['idempotency-key']);
  expect(requests[1]?.raw.equals(requests[0]?.raw as Buffer)).toBe(true);
  // Stored: every event once.
  expectExactlyOnce([...stored.values()].flat(), events);
});
