// The string 'parquet' in an exporter's options or a GO Feature Flag config resolves through core's
// resolveFormat, which requires @ff/exporter-parquet as the application (the working directory) would.
import { spawnSync } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveFormat } from '@ff/exporter-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const started = process.cwd();

describe("format 'parquet'", () => {
  // An application folder with this package installed: a fresh CommonJS build of the sources (what
  // require() loads), inside this package's node_modules so its own dependencies resolve.
  const app = join(packageDir, 'node_modules', '.cache', 'resolve-test');
  const emptyApp = join(tmpdir(), `ff-parquet-no-package-${process.pid}`);

  beforeAll(async () => {
    await rm(app, { recursive: true, force: true });
    const installed = join(app, 'node_modules', '@ff', 'exporter-parquet');
    await mkdir(installed, { recursive: true });
    const build = spawnSync(
      join(packageDir, 'node_modules', '.bin', 'tsdown'),
      [
        '--no-config',
        'src/index.ts',
        '-f',
        'cjs',
        '-d',
        join(installed, 'dist'),
        '--platform',
        'node',
        '--target',
        'node20.19',
        '--no-dts',
        '-l',
        'error',
      ],
      { cwd: packageDir, encoding: 'utf8' },
    );
    expect(build.status, build.stderr).toBe(0);
    await writeFile(
      join(installed, 'package.json'),
      JSON.stringify({ name: '@ff/exporter-parquet', main: './dist/index.cjs' }),
    );
    await mkdir(emptyApp, { recursive: true });
  });
  afterAll(async () => {
    process.chdir(started);
    await rm(app, { recursive: true, force: true });
    await rm(emptyApp, { recursive: true, force: true });
  });

  it('resolves to parquet() when @ff/exporter-parquet is installed, any case, with the codec', () => {
    process.chdir(app);
    try {
      const format = resolveFormat('PARQUET', { parquetCompressionCodec: 'gzip' }) as {
        name: string;
        compression?: string;
      };
      expect(format.name).toBe('parquet');
      expect(format.compression).toBe('GZIP');
      expect((resolveFormat('parquet') as { compression?: string }).compression).toBe('SNAPPY');
    } finally {
      process.chdir(started);
    }
  });

  it('fails naming the package to install when it is not installed', () => {
    // In a child process without NODE_PATH: `pnpm exec` sets one that reaches every workspace package.
    const core = createRequire(import.meta.url).resolve('@ff/exporter-core');
    const script = `try { require(${JSON.stringify(core)}).resolveFormat('parquet'); console.log('resolved') } catch (e) { console.log(e.message) }`;
    const child = spawnSync(process.execPath, ['-e', script], {
      cwd: emptyApp,
      env: { ...process.env, NODE_PATH: '' },
      encoding: 'utf8',
    });
    expect(child.stdout.trim()).toBe(
      "format 'parquet' needs the @ff/exporter-parquet package: npm install @ff/exporter-parquet",
    );
  });

  it('passes a bad codec’s error through', () => {
    process.chdir(app);
    try {
      expect(() => resolveFormat('parquet', { parquetCompressionCodec: 'zip' })).toThrow(
        /compression must be one of/,
      );
    } finally {
      process.chdir(started);
    }
  });
});
