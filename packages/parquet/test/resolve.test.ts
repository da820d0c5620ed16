// The string 'parquet' in an exporter's options or a GO Feature Flag config resolves through core's
// resolveFormat, which loads @ff/exporter-parquet as the application itself would: from its main
// script's folder, wherever the process was started (systemd, PM2, cron, a Docker WORKDIR).
import { spawnSync } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const coreDir = join(packageDir, '..', 'core');

/** Builds `dir`'s sources into `target/dist` (both module systems) with a package.json as published. */
function install(dir: string, name: string, target: string): Promise<void> {
  const build = spawnSync(
    join(dir, 'node_modules', '.bin', 'tsdown'),
    ['--no-config', 'src/index.ts', '-f', 'esm', '-f', 'cjs', '-d', join(target, 'dist')].concat([
      '--platform',
      'node',
      '--target',
      'node20.19',
      '--no-dts',
      '-l',
      'error',
    ]),
    { cwd: dir, encoding: 'utf8' },
  );
  expect(build.status, build.stderr).toBe(0);
  return writeFile(
    join(target, 'package.json'),
    JSON.stringify({
      name,
      type: 'module',
      exports: { '.': { import: './dist/index.mjs', require: './dist/index.cjs' } },
    }),
  );
}

const MAIN = {
  'main.mjs': `import { resolveFormat } from '@ff/exporter-core';`,
  'main.cjs': `const { resolveFormat } = require('@ff/exporter-core');`,
};
const REPORT = `
try {
  const format = resolveFormat('PARQUET', { parquetCompressionCodec: 'gzip' });
  console.log(JSON.stringify({ name: format.name, compression: format.compression }));
} catch (err) {
  console.log(JSON.stringify({ error: err.message }));
}`;

/** Runs an app's main script from another working directory, as a service manager would. */
function run(
  app: string,
  main: keyof typeof MAIN,
  cwd: string,
): { name?: string; compression?: string; error?: string } {
  // Without NODE_PATH: `pnpm exec` sets one that reaches every workspace package.
  const child = spawnSync(process.execPath, [join(app, main)], {
    cwd,
    env: { ...process.env, NODE_PATH: '' },
    encoding: 'utf8',
  });
  expect(child.status, child.stderr).toBe(0);
  return JSON.parse(child.stdout.trim());
}

describe("format 'parquet' resolves as the application would", () => {
  // An application with both packages installed: fresh builds of the sources, inside this package's
  // node_modules so the Parquet writer's own dependencies resolve. Another with core alone.
  const app = join(packageDir, 'node_modules', '.cache', 'resolve-test', 'app');
  const bare = join(tmpdir(), `ff-parquet-bare-app-${process.pid}`);
  const elsewhere = join(tmpdir(), `ff-parquet-elsewhere-${process.pid}`);

  beforeAll(async () => {
    await rm(join(app, '..'), { recursive: true, force: true });
    for (const dir of [app, bare]) {
      const core = join(dir, 'node_modules', '@ff', 'exporter-core');
      await mkdir(core, { recursive: true });
      await install(coreDir, '@ff/exporter-core', core);
      for (const [main, head] of Object.entries(MAIN)) await writeFile(join(dir, main), head + REPORT);
    }
    const parquet = join(app, 'node_modules', '@ff', 'exporter-parquet');
    await mkdir(parquet, { recursive: true });
    await install(packageDir, '@ff/exporter-parquet', parquet);
    await mkdir(elsewhere, { recursive: true });
  }, 60_000);
  afterAll(async () => {
    await rm(join(app, '..'), { recursive: true, force: true });
    await rm(bare, { recursive: true, force: true });
    await rm(elsewhere, { recursive: true, force: true });
  });

  it.each(Object.keys(MAIN) as (keyof typeof MAIN)[])(
    '%s started from another working directory finds the installed package, any case, with the codec',
    (main) => {
      expect(run(app, main, elsewhere)).toEqual({ name: 'parquet', compression: 'GZIP' });
      // And from its own folder, as before.
      expect(run(app, main, app)).toEqual({ name: 'parquet', compression: 'GZIP' });
    },
  );

  it.each(Object.keys(MAIN) as (keyof typeof MAIN)[])(
    '%s without the package: the error names it, where it was looked for, and what to do',
    (main) => {
      const { error } = run(bare, main, elsewhere);
      expect(error).toMatch(/^format 'parquet' needs the @ff\/exporter-parquet package/);
      expect(error).toContain(bare);
      expect(error).toContain(elsewhere);
      expect(error).toMatch(/npm install @ff\/exporter-parquet/);
    },
  );

  it('passes a bad codec’s error through', async () => {
    const script = join(app, 'bad-codec.mjs');
    await writeFile(
      script,
      `import { resolveFormat } from '@ff/exporter-core';
try { resolveFormat('parquet', { parquetCompressionCodec: 'zip' }); console.log('resolved'); } catch (err) { console.log(err.message); }`,
    );
    const child = spawnSync(process.execPath, [script], {
      cwd: elsewhere,
      env: { ...process.env, NODE_PATH: '' },
      encoding: 'utf8',
    });
    expect(child.stdout).toMatch(/compression must be one of/);
  });
});
