import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, importFromApplication, MissingPackageError, planExporters } from '../src/index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ff-config-source-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const kinds = (source: Parameters<typeof planExporters>[0]) =>
  planExporters(source, { cwd: dir }).exporters.map((e) => e.kind);

describe('the config source', () => {
  it('a string naming an existing file is read as a path, relative to cwd', async () => {
    await writeFile(join(dir, 'goff-proxy.yaml'), 'exporter:\n  kind: s3\n  bucket: b\n');
    expect(kinds('goff-proxy.yaml')).toEqual(['s3']);
    expect(kinds(join(dir, 'goff-proxy.yaml'))).toEqual(['s3']);
    expect(planExporters('goff-proxy.yaml', { cwd: dir }).file).toBe(join(dir, 'goff-proxy.yaml'));
  });

  it('any other string is YAML, and JSON is YAML', () => {
    expect(kinds('exporter:\n  kind: s3\n  bucket: b\n')).toEqual(['s3']);
    expect(kinds('{"exporters": [{"kind": "googleStorage", "bucket": "b"}]}')).toEqual(['googleStorage']);
  });

  it('an object is taken as it is', () => {
    expect(kinds({ exporter: { kind: 'webhook', endpointUrl: 'https://x.example' } })).toEqual(['webhook']);
  });

  it('a one-line string that is neither a file nor a map says the file is not there', () => {
    expect(() => planExporters('exporters.yaml', { cwd: dir })).toThrow(
      `config file 'exporters.yaml' not found (looked in ${join(dir, 'exporters.yaml')})`,
    );
  });

  it("YAML that does not parse is refused with the parser's words and the file", async () => {
    await writeFile(join(dir, 'broken.yaml'), 'exporters:\n  - kind: file\n   outputDir: x\n');
    expect(() => planExporters('broken.yaml', { cwd: dir })).toThrow(
      new RegExp(`^cannot parse the exporter config in ${join(dir, 'broken.yaml')}: `),
    );
  });

  it('a document that is not a map, or has no exporter, is refused', () => {
    expect(() => planExporters('- kind: file\n- kind: s3\n')).toThrow(
      'the exporter config must be a YAML map, got a list',
    );
    expect(() => planExporters({ server: { port: 1031 } })).toThrow(
      'no exporter in the config: add "exporter:" (one) or "exporters:" (a list)',
    );
    expect(() => planExporters({ exporters: { kind: 'file' } })).toThrow(ConfigError);
  });
});

describe('importFromApplication', () => {
  it("a package this one cannot see is found from the application folder (pnpm's strict layout)", async () => {
    const app = join(dir, 'app');
    const pkg = join(app, 'node_modules', 'ff-config-test-exporter');
    await mkdir(pkg, { recursive: true });
    await writeFile(
      join(pkg, 'package.json'),
      JSON.stringify({ name: 'ff-config-test-exporter', type: 'module', exports: './index.js' }),
    );
    await writeFile(join(pkg, 'index.js'), 'export class S3Exporter { constructor(o) { this.o = o } }\n');
    const module = await importFromApplication(app)('ff-config-test-exporter');
    expect(typeof module.S3Exporter).toBe('function');
  });

  it('a package installed nowhere is a MissingPackageError naming it', async () => {
    const error = await importFromApplication(dir)('@ff/exporter-not-a-package').catch((e) => e);
    expect(error).toBeInstanceOf(MissingPackageError);
    expect(error.packageName).toBe('@ff/exporter-not-a-package');
  });

  it('a package that is there but throws when loaded is that error, not "missing"', async () => {
    const app = join(dir, 'app2');
    const pkg = join(app, 'node_modules', 'ff-config-broken-exporter');
    await mkdir(pkg, { recursive: true });
    await writeFile(
      join(pkg, 'package.json'),
      JSON.stringify({ name: 'ff-config-broken-exporter', type: 'module', exports: './index.js' }),
    );
    await writeFile(join(pkg, 'index.js'), "import 'ff-config-absent-dependency';\n");
    const error = await importFromApplication(app)('ff-config-broken-exporter').catch((e) => e);
    expect(error).not.toBeInstanceOf(MissingPackageError);
    expect(String(error.message)).toContain('ff-config-absent-dependency');
  });
});
