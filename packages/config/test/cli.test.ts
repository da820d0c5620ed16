import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/check-command.js';
import { fixture } from './stand-ins.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ff-config-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function run(args: string[], installed: (name: string) => boolean = () => false) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = runCli(args, {
    stdout: (line) => stdout.push(line),
    stderr: (line) => stderr.push(line),
    cwd: dir,
    installed,
  });
  return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n') };
}

const CONFIG = `
exporters:
  - kind: file
    outputDir: ./data
    format: csv
  - kind: webhook
    endpointUrl: https://hooks.example.com/goff
    secret: s3cr3t-value
    meta: { env: prod }
    headers: { Authorization: ["Bearer xyz-token"], X-Team: ["checkout"] }
    flushInterval: 10000
    maxEventInMemory: 5000
  - kind: azureBlobStorage
    container: test-goff
    accountName: goff
    accountKey: azure-key-value
    format: parquet
  - kind: kafka
    kafka:
      topic: go-feature-flag-events
      addresses: ["localhost:9092"]
      config: { Net: { SASL: { Enable: true, Mechanism: SCRAM-SHA-512, User: goff, Password: kafka-pass-value } } }
    flushIntervall: 5
`;

describe('ff-exporters check', () => {
  it('prints what it would wire: kind, name, options with secrets masked, batching; exit 0', async () => {
    await writeFile(join(dir, 'goff-proxy.yaml'), CONFIG);
    const { code, stdout, stderr } = run(
      ['check', 'goff-proxy.yaml'],
      (name) => name === '@ff/exporter-file',
    );
    expect(code).toBe(0);
    expect(stdout).toContain('createExporter(config) wires a fanOut of 4 DataExporters:');
    expect(stdout).toContain(
      'file#0: kind file → FileExporter from @ff/exporter-file (installed), at exporters[0]',
    );
    expect(stdout).toContain(
      'webhook#1: kind webhook → WebhookExporter from @ff/exporter-webhook (not installed: npm install @ff/exporter-webhook)',
    );
    expect(stdout).toContain(`outputDir: ${join(dir, 'data')}`);
    expect(stdout).toContain('secret: ***');
    expect(stdout).toContain('accountKey: ***');
    expect(stdout).toContain('headers: {"Authorization":["***"],"X-Team":["checkout"]}');
    expect(stdout).toContain("format: parquet({ compression: 'SNAPPY' })");
    expect(stdout).toContain(
      'batching: eventType feature, flushIntervalMs 10000, maxEventsInMemory 5000, maxPendingEvents 10000 (2 × maxEventsInMemory)',
    );
    expect(stdout).toContain(
      'batching: eventType feature, flushIntervalMs 60000 (default), maxEventsInMemory 100000 (default), maxPendingEvents 200000 (2 × maxEventsInMemory)',
    );
    expect(stdout).toContain("KafkaExporter's default");
    expect(stdout).toContain('goff-proxy.yaml: valid');
    expect(stdout).toContain('sasl: {"mechanism":"SCRAM-SHA-512","username":"goff","password":"***"}');
    for (const secret of ['s3cr3t-value', 'xyz-token', 'azure-key-value', 'kafka-pass-value']) {
      expect(stdout + stderr).not.toContain(secret);
    }
    expect(stderr).toBe(
      'warning: exporters[3]: unknown key "flushIntervall" ignored (did you mean "flushInterval"?)',
    );
  });

  it('exits 1 with their messages when the config is invalid', () => {
    const { code, stdout, stderr } = run(['check', fixture('valid-yaml-multiple-exporters.yaml')]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain(
      'error: exporter at index 0 validation failed: invalid exporter: kind "log" is not supported yet by @ff/exporter-config; supported kinds: file, webhook, s3, googleStorage, azureBlobStorage, kafka',
    );
    expect(stderr).toMatch(/invalid \(1 problem\)$/);
  });

  it('checks the top level and every flag set, or the one named', async () => {
    await writeFile(
      join(dir, 'flagsets.yaml'),
      `flagsets:
  - name: team-a
    apiKeys: [k1]
    exporters:
      - kind: s3
        bucket: team-a
  - name: team-b
    apiKeys: [k2]
    exporter:
      kind: googleStorage
`,
    );
    const all = run(['check', 'flagsets.yaml']);
    expect(all.code).toBe(1);
    expect(all.stderr).toContain(
      'error: flagset team-b: invalid exporter: no "bucket" property found for kind "googleStorage"',
    );
    const teamA = run(['check', 'flagsets.yaml', '--flag-set', 'team-a']);
    expect(teamA.code).toBe(0);
    expect(teamA.stdout).toContain("createExporter(config, { flagSet: 'team-a' }) wires one DataExporter:");
    expect(teamA.stdout).toContain('s3: kind s3 → S3Exporter from @ff/exporter-s3');
  });

  it('a missing file, and bad arguments, are clear errors, not stack traces', () => {
    const missing = run(['check', 'nope.yaml']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(
      `error: config file 'nope.yaml' not found (looked in ${join(dir, 'nope.yaml')})`,
    );
    expect(run([]).code).toBe(2);
    expect(run(['verify', 'x.yaml']).stderr).toMatch(/^unknown command 'verify'/);
    expect(run(['check', 'a.yaml', '--strict']).stderr).toMatch(/^unknown option '--strict'/);
    expect(run(['--help']).code).toBe(0);
  });

  it('needs no exporter package installed to check a config', async () => {
    await writeFile(join(dir, 'six.yaml'), CONFIG.replace('flushIntervall: 5', ''));
    expect(run(['check', 'six.yaml'], () => false).code).toBe(0);
  });
});
