#!/usr/bin/env node
// Installs Azurite (npm) into the shared cache, keyed by version. Idempotent: an install whose
// blob server entry point exists is kept. It is built beside its final place and renamed into it,
// so an interrupted install never leaves a half-made folder that looks ready.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AZURITE_VERSION, azuriteDir, blobServer } from './index.mjs';

const dir = azuriteDir();
if (existsSync(blobServer())) {
  console.log(`  azurite ${AZURITE_VERSION}: cached in ${dir}`);
  process.exit(0);
}

const staging = `${dir}.partial-${process.pid}`;
mkdirSync(dirname(dir), { recursive: true });
rmSync(staging, { recursive: true, force: true });
mkdirSync(staging, { recursive: true });
// A package.json of its own, so npm installs here and not into an enclosing project.
writeFileSync(join(staging, 'package.json'), '{ "private": true }\n');

console.log(`  azurite ${AZURITE_VERSION}: npm install into ${dir}`);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const result = spawnSync(
  npm,
  [
    'install',
    '--prefix',
    staging,
    '--no-audit',
    '--no-fund',
    '--omit=dev',
    '--loglevel=error',
    `azurite@${AZURITE_VERSION}`,
  ],
  { stdio: 'inherit' },
);
if (result.status !== 0 || !existsSync(blobServer(staging))) {
  rmSync(staging, { recursive: true, force: true });
  console.error(
    `azurite install: 'npm install azurite@${AZURITE_VERSION}' failed (exit ${result.status ?? result.signal})`,
  );
  process.exit(1);
}
if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
renameSync(staging, dir);
console.log(`  azurite ${AZURITE_VERSION}: installed`);
