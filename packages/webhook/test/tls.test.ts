import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isExportError } from '@ff/exporter-core';
import { exportContext, sampleEvents } from '@ff/exporter-testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhookExporter } from '../src/index.js';
import { expectExactlyOnce } from './helpers.js';
import { type Receiver, startReceiver } from './receiver.js';

let receiver: Receiver;
let dir: string;
let cert: Buffer;
beforeAll(async () => {
  // A self-signed certificate for 127.0.0.1, made by openssl: a private CA's server, as many receivers are.
  dir = await mkdtemp(join(tmpdir(), 'ff-webhook-tls-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  cert = await readFile(join(dir, 'cert.pem'));
  receiver = await startReceiver({ tls: { key: await readFile(join(dir, 'key.pem')), cert } });
});
afterAll(async () => {
  await receiver.close();
  await rm(dir, { recursive: true, force: true });
});

describe('WebhookExporter over HTTPS', () => {
  it('delivers through the agent given, which trusts the receiver’s CA; the agent is left open', async () => {
    const agent = new Agent({ ca: cert, keepAlive: true });
    const exporter = new WebhookExporter({ endpointUrl: receiver.url('tls'), agent, secret: 's3cr3t' });
    const events = sampleEvents(20, { seed: 1 });
    await exporter.export(events, exportContext());
    await exporter.close();
    expectExactlyOnce(receiver.events('tls'), events);
    // Still usable: closing it is its owner's business.
    await new WebhookExporter({ endpointUrl: receiver.url('tls-2'), agent }).export(events, exportContext());
    expect(receiver.events('tls-2')).toHaveLength(20);
    agent.destroy();
  });

  it('a certificate that does not verify fails at once, with what to do', async () => {
    const exporter = new WebhookExporter({ endpointUrl: receiver.url('untrusted') });
    const error = await exporter.export(sampleEvents(1), exportContext()).catch((err: unknown) => err);
    await exporter.close();
    expect(isExportError(error) && error.retryable).toBe(false);
    expect((error as Error).message).toMatch(
      /TLS certificate was refused \(\w+\).*https\.Agent with \{ ca \}/,
    );
    expect(receiver.received('untrusted')).toHaveLength(0);
  });
});
