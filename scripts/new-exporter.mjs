#!/usr/bin/env node
// Scaffolds a new exporter package: npm run new-exporter -- <name> [--dir <packages folder>]
//
// packages/<name> gets package.json, tsconfig, tsdown and vitest configs, src/ with a blob exporter
// on core's BlobExporter (its store writes to a local folder: replace it with your SDK's calls), a
// README with an options table, and a test running the shared conformance suite. As generated it
// builds and passes its tests; a test in scripts/test/ proves it.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const dirFlag = args.indexOf('--dir');
const packagesDir = dirFlag >= 0 ? args.splice(dirFlag, 2)[1] : join(root, 'packages');
const [name] = args;

if (!name || !/^[a-z][a-z0-9-]{1,38}$/.test(name) || name.endsWith('-')) {
  console.error(
    'usage: npm run new-exporter -- <name>   (lower-case letters, digits and dashes, e.g. "redis" or "pub-sub")',
  );
  process.exit(2);
}
const target = join(packagesDir, name);
if (existsSync(target)) {
  console.error(`${relative(process.cwd(), target) || target} already exists: choose another name`);
  process.exit(1);
}

const pascal = name.replace(/(^|-)([a-z0-9])/g, (_, __, c) => c.toUpperCase());
const pkg = `@ff/exporter-${name}`;
const rootManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const core = JSON.parse(readFileSync(join(root, 'packages', 'core', 'package.json'), 'utf8'));
const devVersion = (dep) => rootManifest.devDependencies[dep];
const REPOSITORY = 'https://github.com/ff-exporters/ff-exporters';

const files = {
  'package.json': `${JSON.stringify(
    {
      name: pkg,
      version: '0.0.0',
      description: `Exports feature-flag evaluation data to ${pascal}, compatible with GO Feature Flag's exporters.`,
      keywords: ['feature-flags', 'go-feature-flag', 'openfeature', 'exporter', name],
      license: 'MIT',
      type: 'module',
      sideEffects: false,
      engines: { node: core.engines.node },
      homepage: `${REPOSITORY}/tree/main/packages/${name}#readme`,
      bugs: { url: `${REPOSITORY}/issues` },
      repository: { type: 'git', url: `git+${REPOSITORY}.git`, directory: `packages/${name}` },
      main: './dist/index.cjs',
      module: './dist/index.mjs',
      types: './dist/index.d.cts',
      exports: {
        '.': {
          import: { types: './dist/index.d.mts', default: './dist/index.mjs' },
          require: { types: './dist/index.d.cts', default: './dist/index.cjs' },
        },
        './package.json': './package.json',
      },
      files: ['dist'],
      publishConfig: { access: 'public' },
      scripts: {
        build: 'tsdown',
        typecheck: 'tsc -p tsconfig.json',
        test: 'vitest run',
        'test:build': 'publint --strict && attw --pack --profile node16',
      },
      devDependencies: {
        '@ff/exporter-core': 'workspace:*',
        '@ff/exporter-testkit': 'workspace:*',
        '@types/node': devVersion('@types/node'),
        tsdown: devVersion('tsdown'),
        typescript: devVersion('typescript'),
        vitest: devVersion('vitest'),
      },
      peerDependencies: { '@ff/exporter-core': `>=${core.version} <1.0.0` },
    },
    null,
    2,
  )}\n`,
  'tsconfig.json': `${JSON.stringify({ extends: '../../tsconfig.base.json', include: ['src', 'test'] }, null, 2)}\n`,
  'tsdown.config.ts': `import { defineConfig } from 'tsdown';
import { library } from '../../tsdown.shared.ts';

export default defineConfig(library);
`,
  'vitest.config.ts': `import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { name: '${pkg}', testTimeout: 60_000 },
});
`,
  'src/index.ts': `export { ${pascal}Exporter, type ${pascal}ExporterOptions } from './${name}-exporter.js';
`,
  [`src/${name}-exporter.ts`]: `import { BlobExporter, type BlobExporterOptions } from '@ff/exporter-core';
import { ${pascal}Store } from './${name}-store.js';

export interface ${pascal}ExporterOptions extends BlobExporterOptions {
  /** Where objects go. TODO: replace with your sink's options (bucket, client, credentials). */
  folder: string;
}

/** Writes each batch as one object, create-only, encoded by core (JSON Lines, CSV or Parquet). */
export class ${pascal}Exporter extends BlobExporter {
  constructor(options: ${pascal}ExporterOptions) {
    if (typeof options?.folder !== 'string' || options.folder === '') {
      throw new TypeError(\`${pascal}Exporter option folder must be a non-empty string, got \${String(options?.folder)}\`);
    }
    // No connection here: an application must start while its sink is down.
    super(new ${pascal}Store(options.folder), options);
  }
}
`,
  [`src/${name}-store.ts`]: `import { mkdir, open } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type BlobStore, type BlobWriteOptions, ExportError } from '@ff/exporter-core';

/**
 * Where the bytes go. TODO: replace the local folder with your SDK: create \`name\` create-only
 * (a precondition such as If-None-Match: *) and answer 'exists' when it is already there; pass
 * \`options.signal\` to every call so an aborted attempt settles at once; set the SDK's own retries
 * to one attempt (core retries); throw ExportError({ retryable: false }) for bad credentials or a 4xx.
 */
export class ${pascal}Store implements BlobStore {
  readonly #folder: string;

  constructor(folder: string) {
    this.#folder = folder;
  }

  async create(
    name: string,
    body: AsyncIterable<Uint8Array>,
    options: BlobWriteOptions,
  ): Promise<'created' | 'exists'> {
    const path = join(this.#folder, name);
    await mkdir(dirname(path), { recursive: true });
    let file: Awaited<ReturnType<typeof open>>;
    try {
      file = await open(path, 'wx');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return 'exists';
      throw new ExportError(\`cannot create '\${path}': \${(err as Error).message}\`, { cause: err });
    }
    try {
      for await (const chunk of body) {
        options.signal.throwIfAborted();
        await file.write(chunk);
      }
    } finally {
      await file.close();
    }
    return 'created';
  }
}
`,
  'test/conformance.test.ts': `import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exporterConformance, readFolder } from '@ff/exporter-testkit';
import { ${pascal}Exporter } from '../src/index.js';

// TODO: start your real sink (test-services/<peer>, usePeer) and read back from it with its SDK.
const root = await mkdtemp(join(tmpdir(), 'ff-${name}-conformance-'));

for (const format of ['json', 'csv'] as const) {
  exporterConformance({
    name: \`${pascal}Exporter (\${format})\`,
    format,
    createExporter: (sink) => new ${pascal}Exporter({ folder: join(root, sink.id), format }),
    readBack: async (sink) => ({ objects: await readFolder(join(root, sink.id)) }),
    cleanup: (sink) => rm(join(root, sink.id), { recursive: true, force: true }),
  });
}
`,
  'README.md': `# ${pkg}

Exports feature-flag evaluation data to ${pascal}, batched by
[\`@ff/exporter-core\`](${REPOSITORY}/tree/main/packages/core#readme), in GO Feature Flag's formats.

## Install

\`\`\`sh
npm install @ff/exporter-core ${pkg}
\`\`\`

## Use

\`\`\`ts
import { DataExporter } from '@ff/exporter-core';
import { ${pascal}Exporter } from '${pkg}';

const evaluations = new DataExporter({ exporter: new ${pascal}Exporter({ folder: './out' }) });
\`\`\`

## Options

| option | default | meaning |
| --- | --- | --- |
| \`folder\` | (required) | where objects go (TODO: your sink's options) |
| \`format\` | \`'json'\` | \`'json'\`, \`'csv'\` or a Format such as \`parquet()\` |
| \`filename\` | \`flag-variation-{{ .Hostname}}-{{ .Timestamp}}.{{ .Format}}\` | object name template |
| \`path\` | none | prefix; \`{{ .Date}}\` etc. give date partitions |

## Delivery

Each batch is one object, written create-only under a name fixed when the batch is cut, so a
retried batch never makes a second object.

## Tests

\`pnpm exec vitest run --project ${pkg}\` runs the shared conformance suite against the sink.
`,
  LICENSE: readFileSync(join(root, 'LICENSE'), 'utf8'),
};

for (const [file, text] of Object.entries(files)) {
  const path = join(target, file);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}
const changesets = join(packagesDir, '..', '.changeset');
if (existsSync(changesets)) {
  writeFileSync(join(changesets, `${name}.md`), `---\n'${pkg}': minor\n---\n\nFirst release of ${pkg}.\n`);
}
console.log(`created ${relative(process.cwd(), target) || target}: run 'pnpm install', then
  pnpm exec vitest run --project ${pkg}`);
