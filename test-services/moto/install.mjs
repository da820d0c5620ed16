#!/usr/bin/env node
// Installs moto server (PyPI, `moto[server]`) into a Python venv in the shared cache, keyed by
// version. Idempotent: a venv that already imports the pinned version is kept. The venv is built
// beside its final place and renamed into it, so an interrupted install never looks ready.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { isReady, MOTO_VERSION, venvDir, venvPython } from './index.mjs';

const dir = venvDir();
if (isReady()) {
  console.log(`  moto ${MOTO_VERSION}: cached in ${dir}`);
  process.exit(0);
}

const python = process.env.PYTHON ?? 'python3';
const staging = `${dir}.partial-${process.pid}`;
mkdirSync(dirname(dir), { recursive: true });
rmSync(staging, { recursive: true, force: true });

function run(command, args) {
  const result = spawnSync(command, args, { stdio: 'inherit' });
  if (result.status !== 0) {
    rmSync(staging, { recursive: true, force: true });
    console.error(
      `moto install: '${command} ${args.join(' ')}' failed (exit ${result.status ?? result.signal})`,
    );
    process.exit(1);
  }
}

console.log(
  `  moto ${MOTO_VERSION}: creating a venv in ${dir} (pip install "moto[server]==${MOTO_VERSION}")`,
);
run(python, ['-m', 'venv', staging]);
run(venvPython(staging), [
  '-m',
  'pip',
  'install',
  '--quiet',
  '--disable-pip-version-check',
  '--no-input',
  `moto[server]==${MOTO_VERSION}`,
]);
if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
renameSync(staging, dir);
// A venv's scripts hold its absolute path: check the renamed one through its interpreter, not pip.
if (!isReady(dir)) {
  console.error(`moto install: ${venvPython(dir)} cannot import moto ${MOTO_VERSION}`);
  process.exit(1);
}
console.log(`  moto ${MOTO_VERSION}: installed`);
