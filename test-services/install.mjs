#!/usr/bin/env node
// Installs every test peer (each folder's install.mjs) into the shared cache, keyed by version,
// so a machine that ran the suite once reuses them. Prints how long each took.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
for (const peer of readdirSync(here, { withFileTypes: true })) {
  const script = join(here, peer.name, 'install.mjs');
  if (!peer.isDirectory() || !existsSync(script)) continue;
  const started = performance.now();
  const result = spawnSync(process.execPath, [script], { stdio: 'inherit' });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    console.error(`test peer ${peer.name}: install failed (exit ${result.status})`);
    process.exit(1);
  }
  console.log(`  test peer ${peer.name}: ready in ${seconds} s`);
}
