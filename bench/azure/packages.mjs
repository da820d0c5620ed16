// The packages this bench measures, loaded as packages/azure resolves them (its built dist and its own
// dependencies), so the bench needs no workspace entry of its own: run `pnpm exec turbo run build
// --filter @ff/exporter-azure` first (`npm run bench` builds everything).
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const azureDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'packages', 'azure');
const require = createRequire(join(azureDir, 'package.json'));

/** The ESM entry of a package, resolved from packages/azure. */
async function load(name) {
  const manifest = require.resolve(`${name}/package.json`);
  const { exports, module, main } = JSON.parse(readFileSync(manifest, 'utf8'));
  const root = exports?.['.'] ?? exports;
  const entry = root?.import?.default ?? root?.import ?? root?.default ?? module ?? main;
  return import(pathToFileURL(join(dirname(manifest), typeof entry === 'string' ? entry : 'index.js')).href);
}

const dist = join(azureDir, 'dist', 'index.mjs');
if (!existsSync(dist)) {
  throw new Error(
    `${dist} is missing: build it first (pnpm exec turbo run build --filter @ff/exporter-azure)`,
  );
}

export const azure = await import(pathToFileURL(dist).href);
export const core = await load('@ff/exporter-core');
export const sdk = await load('@azure/storage-blob');
