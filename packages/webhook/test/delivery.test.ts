import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportContext, goffJsonRecord, sampleEvents } from '@ff/exporter-testkit';
import { verify } from '@octokit/webhooks-methods';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhookExporter } from '../src/index.js';
import { dataExporter, expectExactlyOnce, exportBatch } from './helpers.js';
import { type Receiver, startReceiver } from './receiver.js';

let receiver: Receiver;
let tmp: string;
beforeAll(async () => {
  receiver = await startReceiver();
  tmp = await mkdtemp(join(tmpdir(), 'ff-webhook-'));
});
afterAll(async () => {
  await receiver.close();
  await rm(tmp, { recursive: true, force: true });
});

/** Python's hmac, not our code, checks a signature over the exact bytes received. */
async function pythonVerifies(secret: string, raw: Buffer, signature: string): Promise<boolean> {
  const file = join(tmp, `body-${Math.random().toString(36).slice(2)}`);
  await writeFile(file, raw);
  const script =
    'import hmac,hashlib,sys; body=open(sys.argv[1],"rb").read(); ' +
    'want="sha256="+hmac.new(sys.argv[2].encode(),body,hashlib.sha256).hexdigest(); ' +
    'print(hmac.compare_digest(want, sys.argv[3]))';
  return (
    execFileSync('python3', ['-c', script, file, secret, signature], { encoding: 'utf8' }).trim() === 'True'
  );
}

describe('WebhookExporter: what the receiver gets', () => {
  it("POSTs GO Feature Flag's body: meta (hostname added, keys sorted) then events, as JSON", async () => {
    const exporter = new WebhookExporter({
      endpointUrl: receiver.url('shape'),
      meta: { env: 'prod', app: 'shop' },
    });
    const events = sampleEvents(3, { seed: 1 });
    await exporter.export(events, exportContext());
    await exporter.close();
    const [request] = receiver.received('shape');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(Number(request?.headers['content-length'])).toBe(request?.raw.length);
    const text = request?.raw.toString('utf8') ?? '';
    expect(
      text.startsWith(
        `{"meta":{"app":"shop","env":"prod","hostname":${JSON.stringify(hostname())}},"events":[`,
      ),
    ).toBe(true);
    expect(request?.body?.events).toEqual(events.map(goffJsonRecord));
    // Same keys in the same order as GO Feature Flag's json.Marshal of each event.
    expect(request?.body?.events.map((e) => Object.keys(e as object))).toEqual(
      events.map((e) => Object.keys(goffJsonRecord(e))),
    );
  });

  it('a hostname given in meta wins over the machine name, as in GO Feature Flag', async () => {
    const exporter = new WebhookExporter({
      endpointUrl: receiver.url('hostname'),
      meta: { hostname: 'pod-7' },
    });
    await exporter.export(sampleEvents(1), exportContext());
    await exporter.close();
    expect(receiver.received('hostname')[0]?.body?.meta).toEqual({ hostname: 'pod-7' });
  });

  it("sends custom headers, GO Feature Flag's lists of values as one header line per value", async () => {
    const exporter = new WebhookExporter({
      endpointUrl: receiver.url('headers'),
      headers: { Authorization: ['Bearer xyz'], 'X-Tag': ['a', 'b'], 'X-Tenant': 'acme' },
    });
    await exporter.export(sampleEvents(1), exportContext());
    await exporter.close();
    const [request] = receiver.received('headers');
    expect(request?.headers.authorization).toBe('Bearer xyz');
    expect(request?.headers['x-tenant']).toBe('acme');
    const tags = [];
    for (let i = 0; i < (request?.rawHeaders.length ?? 0); i += 2) {
      if (request?.rawHeaders[i]?.toLowerCase() === 'x-tag') tags.push(request.rawHeaders[i + 1]);
    }
    expect(tags).toEqual(['a', 'b']);
  });

  it("an endpoint URL's user info is sent as Basic credentials, and never shown", async () => {
    const exporter = new WebhookExporter({
      endpointUrl: `http://bob:pa55word@127.0.0.1:${receiver.port}/basic?token=t0ken`,
    });
    expect(exporter.endpoint).toBe(`http://127.0.0.1:${receiver.port}/basic`);
    await exporter.export(sampleEvents(1), exportContext());
    await exporter.close();
    const [request] = receiver.received('basic?token=t0ken');
    expect(request?.headers.authorization).toBe(`Basic ${Buffer.from('bob:pa55word').toString('base64')}`);
  });

  it('sends the batch id as Idempotency-Key', async () => {
    const exporter = new WebhookExporter({ endpointUrl: receiver.url('key') });
    await exporter.export(sampleEvents(2), exportContext({ batchId: 'abcd1234-7' }));
    await exporter.close();
    expect(receiver.received('key')[0]?.headers['idempotency-key']).toBe('abcd1234-7');
  });

  it('signs the exact body bytes: verified by @octokit/webhooks-methods and by Python hmac', async () => {
    const secret = 'It’s a Secret to Everybody';
    const exporter = new WebhookExporter({ endpointUrl: receiver.url('signed'), secret });
    const events = sampleEvents(50, { seed: 2 });
    await exporter.export(events, exportContext());
    await exporter.close();
    const [request] = receiver.received('signed');
    const signature = String(request?.headers['x-hub-signature-256']);
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(await verify(secret, request?.raw.toString('utf8') ?? '', signature)).toBe(true);
    expect(await pythonVerifies(secret, request?.raw as Buffer, signature)).toBe(true);
    expect(await verify('another secret', request?.raw.toString('utf8') ?? '', signature)).toBe(false);
  });

  it('gzip: the receiver decodes the body; the signature covers the compressed bytes as sent', async () => {
    const secret = 'gzip-secret';
    const exporter = new WebhookExporter({ endpointUrl: receiver.url('gzip'), secret, gzip: true });
    const events = sampleEvents(2_000, { seed: 3 });
    await exporter.export(events, exportContext());
    await exporter.close();
    const [request] = receiver.received('gzip');
    expect(request?.headers['content-encoding']).toBe('gzip');
    expectExactlyOnce(request?.body?.events ?? [], events);
    const plain = JSON.stringify(request?.body).length;
    expect(request?.raw.length).toBeLessThan(plain / 3);
    expect(
      await pythonVerifies(secret, request?.raw as Buffer, String(request?.headers['x-hub-signature-256'])),
    ).toBe(true);
  });

  it('opens no connection at construction, and close() is prompt when nothing was sent', async () => {
    const before = receiver.connections;
    const exporter = new WebhookExporter({ endpointUrl: receiver.url('lazy') });
    const { data } = dataExporter(exporter);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(receiver.connections).toBe(before);
    const started = Date.now();
    await data.close();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(receiver.connections).toBe(before);
  });

  it('batches through a DataExporter share one kept-alive connection', async () => {
    const before = receiver.connections;
    const exporter = new WebhookExporter({ endpointUrl: receiver.url('keepalive') });
    const { data } = dataExporter(exporter);
    const batches = [
      sampleEvents(10, { seed: 4 }),
      sampleEvents(10, { seed: 5 }),
      sampleEvents(10, { seed: 6 }),
    ];
    for (const batch of batches) await exportBatch(data, batch);
    await data.close();
    expect(data.stats()).toMatchObject({ exported: 30, failed: 0 });
    expect(receiver.received('keepalive')).toHaveLength(3);
    expect(receiver.connections - before).toBe(1);
    expectExactlyOnce(receiver.events('keepalive'), batches.flat());
  });
});
