#!/usr/bin/env node
// Installs each Node.js line of NODE_VERSIONS (the npm registry's `node` package) into the cache,
// staged then renamed so an interrupted install never looks ready. Idempotent.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isInstalled, NODE_VERSIONS, nodeBin, nodeDir } from './index.mjs';

for (const version of NODE_VERSIONS) {
  if (isInstalled(version)) {
    console.log(`node ${version}: cached in ${nodeDir(version)}`);
    continue;
  }
  const dir = nodeDir(version);
  const staging = `${dir}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(dirname(dir), { recursive: true });
  console.log(`node ${version}: installing from the npm registry`);
  const result = spawnSync(
    'npm',
    ['install', '--prefix', staging, '--no-audit', '--no-fund', '--no-save', `node@${version}`],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  const binary = join(staging, 'node_modules', 'node', 'bin', 'node');
  const check = existsSync(binary) ? spawnSync(binary, ['--version'], { encoding: 'utf8' }) : undefined;
  if (result.status !== 0 || check?.stdout.trim() !== `v${version}`) {
    rmSync(staging, { recursive: true, force: true });
    console.error(
      `node ${version}: install failed (npm exit ${result.status}, binary says ${check?.stdout.trim()})`,
    );
    process.exit(1);
  }
  if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
  renameSync(staging, dir);
  console.log(`node ${version}: ${nodeBin(version)}`);
}
